import { CONSULTATION_STATES, type ConsultationKind, type ConsultationState } from '@hub/contracts';
import { DomainError } from '@hub/core';

/**
 * A consultation's life, in one place: the remote consultation (远程会诊) and the multidisciplinary team session
 * (多学科会诊, MDT) share it.
 *
 *   requested ─schedule (needs recorded consent)→ scheduled ─start→ live ─conclude (needs a signed conclusion)→ concluded
 *   scheduled ─reschedule→ scheduled
 *   requested | scheduled ─cancel→ cancelled
 *
 * A live consultation is not cancelled: it ends with a signed conclusion. Concluded and cancelled are final.
 * The table says whether an action is possible at all; the guards below (consent, signed conclusion) say whether the
 * facts allow it, and the service runs both.
 */
export { CONSULTATION_KINDS, type ConsultationKind } from '@hub/contracts';

/** How each kind is named to Chinese-speaking users (UI, printed conclusions). */
export const CONSULTATION_KIND_LABELS: Record<ConsultationKind, string> = {
  remote: '远程会诊',
  mdt: '多学科会诊',
};

export { CONSULTATION_STATES, type ConsultationState } from '@hub/contracts';

export const CONSULTATION_ACTIONS = ['schedule', 'reschedule', 'start', 'conclude', 'cancel'] as const;
export type ConsultationAction = (typeof CONSULTATION_ACTIONS)[number];

export const FINAL_CONSULTATION_STATES: readonly ConsultationState[] = ['concluded', 'cancelled'];
/** States in which invited specialists see the attached materials and may enter the room. */
export const OPEN_CONSULTATION_STATES: readonly ConsultationState[] = ['scheduled', 'live'];

const TRANSITIONS: Record<ConsultationAction, Partial<Record<ConsultationState, ConsultationState>>> = {
  schedule: { requested: 'scheduled' },
  reschedule: { scheduled: 'scheduled' },
  start: { scheduled: 'live' },
  conclude: { live: 'concluded' },
  cancel: { requested: 'cancelled', scheduled: 'cancelled' },
};

/**
 * Why an action is refused, in words a person can act on. The specific pair first (`state:action`), then the state.
 */
const SPECIFIC_REFUSALS: Partial<Record<`${ConsultationState}:${ConsultationAction}`, string>> = {
  'requested:reschedule': 'it has not been scheduled yet: schedule it first',
  'requested:start': 'it has not been scheduled yet: record the informed consent and schedule it first',
  'requested:conclude': 'it has not taken place: schedule and start it first',
  'scheduled:schedule': 'it is already scheduled: reschedule it to change the time',
  'scheduled:conclude': 'it has not started: start it, then the chair signs the conclusion',
  'live:schedule': 'it is already live',
  'live:reschedule': 'it is already live',
  'live:start': 'it is already live',
  'live:cancel': 'it is already live: the chair concludes it with a signed conclusion instead',
};

const STATE_REFUSALS: Record<ConsultationState, string> = {
  requested: 'it is still a request',
  scheduled: 'it is scheduled',
  live: 'it is live',
  concluded: 'the consultation has ended and its conclusion is signed; nothing about it can change',
  cancelled: 'the consultation was cancelled; request a new one if it is still needed',
};

/** A 409 for the client: the action is not possible in the consultation's current state. */
export class ConsultationTransitionError extends DomainError {
  constructor(
    readonly from: ConsultationState,
    readonly action: ConsultationAction,
    message: string,
  ) {
    super('conflict', message, { state: from, action });
    this.name = 'ConsultationTransitionError';
  }
}

export function canTransition(from: ConsultationState, action: ConsultationAction): boolean {
  return TRANSITIONS[action][from] !== undefined;
}

/** Why `action` is not possible in `from`, or null when it is (the state only; see the guards for the facts). */
export function transitionRefusal(from: ConsultationState, action: ConsultationAction): string | null {
  if (canTransition(from, action)) return null;
  const why = SPECIFIC_REFUSALS[`${from}:${action}`] ?? STATE_REFUSALS[from];
  return `Cannot ${action} this consultation: ${why}`;
}

/** The state after `action`, or a ConsultationTransitionError saying why it is not allowed now. */
export function transition(from: ConsultationState, action: ConsultationAction): ConsultationState {
  const to = TRANSITIONS[action][from];
  if (to) return to;
  throw new ConsultationTransitionError(from, action, transitionRefusal(from, action) ?? `Cannot ${action}`);
}

/** The states from which `action` is allowed (for SQL guards that must agree with the table above). */
export function statesAllowing(action: ConsultationAction): ConsultationState[] {
  return CONSULTATION_STATES.filter((s) => canTransition(s, action));
}

// ── Guards: the facts an action needs besides the state ────────────────────────────────────────────────────────────

/** The patient's informed consent as the requesting side recorded it (null or absent: not recorded). */
export interface InformedConsent {
  recordedAt: Date | string | null;
  /** Who recorded it (the requesting doctor). */
  recordedByUserId?: string | null;
}

/**
 * Why the consultation may not be scheduled for want of consent, or null when consent is on record. Consent is
 * recorded by the requesting side before any specialist sees the patient's materials.
 */
export function consentRefusal(consent: InformedConsent | null | undefined): string | null {
  const at = consent?.recordedAt;
  if (at === null || at === undefined || at === '') {
    return (
      "Cannot schedule this consultation: the patient's informed consent is not recorded. " +
      'The requesting doctor records the consent first; then it can be scheduled'
    );
  }
  if (Number.isNaN(new Date(at).getTime())) {
    return "Cannot schedule this consultation: the informed consent's recording time is not a valid date; record the consent again";
  }
  return null;
}

/** Throws a 409 when consent is not on record (see consentRefusal). */
export function assertConsentRecorded(consent: InformedConsent | null | undefined): void {
  const why = consentRefusal(consent);
  if (why) throw new DomainError('conflict', why, { reason: 'consent_missing' });
}

/** Why the consultation may not be concluded yet, or null: only a signed conclusion concludes it. */
export function concludeRefusal(conclusionSigned: boolean): string | null {
  return conclusionSigned
    ? null
    : 'Cannot conclude this consultation: the conclusion is not signed. The chair signs the conclusion first';
}

/**
 * The next state after checking both the table and the facts the action needs: consent for `schedule`, a signed
 * conclusion for `conclude`. Throws a 409 saying what is missing.
 */
export function guardedTransition(
  from: ConsultationState,
  action: ConsultationAction,
  facts: { consent?: InformedConsent | null; conclusionSigned?: boolean } = {},
): ConsultationState {
  const to = transition(from, action);
  if (action === 'schedule') assertConsentRecorded(facts.consent);
  if (action === 'conclude') {
    const why = concludeRefusal(facts.conclusionSigned === true);
    if (why) throw new DomainError('conflict', why, { reason: 'conclusion_unsigned' });
  }
  return to;
}

// ── The live room and the conclusion ────────────────────────────────────────────────────────────────────────────────

export type JoinDecision = { open: true } | { open: false; reason: string };

const JOIN_REFUSALS: Partial<Record<ConsultationState, string>> = {
  requested: 'the consultation has not been scheduled yet',
  concluded: 'the consultation has ended',
  cancelled: 'the consultation was cancelled',
};

/**
 * Whether the room takes participants in this state: a scheduled room opens early (people gather before the start),
 * a live one is open; otherwise the reason for the refusal. Who may join (invitation) is checked separately.
 */
export function isOpenForJoin(state: ConsultationState): JoinDecision {
  const reason = JOIN_REFUSALS[state];
  return reason === undefined ? { open: true } : { open: false, reason };
}

/** The reason a join is refused in this state, or null. */
export function joinRefusal(state: ConsultationState): string | null {
  const decision = isOpenForJoin(state);
  return decision.open ? null : decision.reason;
}

/**
 * Why the conclusion may not be edited, or null when it may: the chair drafts it while the consultation is scheduled
 * or live; once signed it is immutable, and a concluded or cancelled consultation takes no edits.
 */
export function conclusionEditRefusal(state: ConsultationState, signed: boolean): string | null {
  if (signed) return 'The conclusion is signed and can no longer change';
  if (state === 'requested') return 'The conclusion is drafted once the consultation is scheduled';
  if (state === 'concluded') return 'The consultation has ended; its conclusion can no longer change';
  if (state === 'cancelled') return 'The consultation was cancelled; it has no conclusion';
  return null;
}

export function canEditConclusion(state: ConsultationState, signed: boolean): boolean {
  return conclusionEditRefusal(state, signed) === null;
}

/** Why the chair may not sign the conclusion now, or null: it is signed once, while the consultation is live. */
export function conclusionSignRefusal(
  state: ConsultationState,
  draft: { signed: boolean; text: string },
): string | null {
  if (draft.signed) return 'The conclusion is already signed';
  if (state !== 'live') {
    return state === 'scheduled'
      ? 'The conclusion is signed during the consultation: start it first'
      : (conclusionEditRefusal(state, false) ?? `The consultation is ${state}`);
  }
  if (draft.text.trim() === '') return 'The conclusion is empty: write it before signing';
  return null;
}
