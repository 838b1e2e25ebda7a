import { TASK_STATES, type TaskState } from '@hub/contracts';
import { DomainError } from '@hub/core';

/**
 * The reading task's life, in one place. A task holds a lease (holder, expiry, fencing token) exactly in the states
 * where someone is working on it: claimed, drafted (a reader) and reviewing (a senior checking a submitted report).
 *
 *   queued ─claim→ claimed ─save→ drafted ─submit→ submitted ─claim→ reviewing ─sign→ signed
 *                                 drafted ─sign (one-step centre)→ signed
 *   claimed | drafted ─release / lease expiry→ queued        reviewing ─release / expiry→ submitted
 *   claimed | drafted | reviewing ─return→ returned ─resubmit→ queued
 *   queued | returned ─cancel→ cancelled
 */
export { TASK_STATES, type TaskState } from '@hub/contracts';

export const TASK_ACTIONS = [
  'claim',
  'save',
  'submit',
  'sign',
  'release',
  'expire',
  'return',
  'resubmit',
  'cancel',
] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];

/** States in which a lease is held: every write needs the holder's current fencing token. */
export const LEASED_STATES: readonly TaskState[] = ['claimed', 'drafted', 'reviewing'];
/** States a claim takes a task from: for reading, and for review. */
export const CLAIMABLE_STATES: readonly TaskState[] = ['queued', 'submitted'];
export const FINAL_STATES: readonly TaskState[] = ['signed', 'cancelled'];

const TRANSITIONS: Record<TaskAction, Partial<Record<TaskState, TaskState>>> = {
  claim: { queued: 'claimed', submitted: 'reviewing' },
  save: { claimed: 'drafted', drafted: 'drafted', reviewing: 'reviewing' },
  submit: { claimed: 'submitted', drafted: 'submitted' },
  sign: { drafted: 'signed', reviewing: 'signed' },
  release: { claimed: 'queued', drafted: 'queued', reviewing: 'submitted' },
  expire: { claimed: 'queued', drafted: 'queued', reviewing: 'submitted' },
  return: { claimed: 'returned', drafted: 'returned', reviewing: 'returned' },
  resubmit: { returned: 'queued' },
  cancel: { queued: 'cancelled', returned: 'cancelled' },
};

/** Why an action is refused in a state, in words a person can act on. */
const REFUSALS: Partial<Record<TaskState, string>> = {
  signed: 'the report is signed and can no longer change; add a signed addendum instead',
  cancelled: 'the request was cancelled',
  returned: 'the task was returned to the requesting clinic',
  queued: 'the task is in the queue: claim it first',
  submitted: 'the report is waiting for review: a senior reader claims it to review and sign',
  claimed: 'a reader has claimed it and is working on it',
  drafted: 'a reader has claimed it and is working on it',
  reviewing: 'a senior reader is reviewing it',
};

/** A 409 for the client: the action is not possible in the task's current state. */
export class TaskTransitionError extends DomainError {
  constructor(
    readonly from: TaskState,
    readonly action: TaskAction,
    message: string,
  ) {
    super('conflict', message, { state: from, action });
    this.name = 'TaskTransitionError';
  }
}

export function canTransition(from: TaskState, action: TaskAction): boolean {
  return TRANSITIONS[action][from] !== undefined;
}

/** The state after `action`, or a TaskTransitionError saying why it is not allowed now. */
export function transition(from: TaskState, action: TaskAction): TaskState {
  const to = TRANSITIONS[action][from];
  if (to) return to;
  const why = REFUSALS[from] ?? `the task is ${from}`;
  throw new TaskTransitionError(from, action, `Cannot ${action} this task: ${why}`);
}

/** The states from which `action` is allowed (for SQL guards that must agree with the table above). */
export function statesAllowing(action: TaskAction): TaskState[] {
  return TASK_STATES.filter((s) => canTransition(s, action));
}
