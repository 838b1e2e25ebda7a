import type { TaskState } from './task-state.js';

export interface SignOffContext {
  state: TaskState;
  /** The centre requires 审核签发: a second, senior reader signs what another reader submitted. */
  twoStepSignoff: boolean;
  /** The signer holds a reading privilege with signing rights for the discipline. */
  maySignDiscipline: boolean;
  signerUserId: string;
  /** Who submitted the report for review (reviewing only). */
  submittedBy: string | null;
}

/**
 * Why this person may not sign now, or null when they may. The state machine says whether signing is possible at all;
 * this says who: a signer privileged for the discipline, and, in a two-step centre, never the one who submitted it.
 */
export function signOffRefusal(ctx: SignOffContext): string | null {
  if (!ctx.maySignDiscipline) return 'Signing needs a reading privilege with signing rights for this discipline';
  if (ctx.state === 'drafted' && ctx.twoStepSignoff) {
    return 'This centre signs in two steps: submit the report, and another senior reader reviews and signs it';
  }
  if (ctx.state === 'reviewing' && ctx.twoStepSignoff && ctx.submittedBy === ctx.signerUserId) {
    return 'In a two-step centre the reader who submitted a report cannot also sign it';
  }
  return null;
}
