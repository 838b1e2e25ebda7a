import { describe, expect, it } from '@jest/globals';
import {
  canTransition,
  TASK_ACTIONS,
  TASK_STATES,
  type TaskAction,
  type TaskState,
  TaskTransitionError,
  transition,
} from './task-state.js';

/** Every allowed transition, written out independently of the table in task-state.ts. */
const ALLOWED: [TaskState, TaskAction, TaskState][] = [
  ['queued', 'claim', 'claimed'],
  ['submitted', 'claim', 'reviewing'],
  ['claimed', 'save', 'drafted'],
  ['drafted', 'save', 'drafted'],
  ['reviewing', 'save', 'reviewing'],
  ['claimed', 'submit', 'submitted'],
  ['drafted', 'submit', 'submitted'],
  ['drafted', 'sign', 'signed'],
  ['reviewing', 'sign', 'signed'],
  ['claimed', 'release', 'queued'],
  ['drafted', 'release', 'queued'],
  ['reviewing', 'release', 'submitted'],
  ['claimed', 'expire', 'queued'],
  ['drafted', 'expire', 'queued'],
  ['reviewing', 'expire', 'submitted'],
  ['claimed', 'return', 'returned'],
  ['drafted', 'return', 'returned'],
  ['reviewing', 'return', 'returned'],
  ['returned', 'resubmit', 'queued'],
  ['queued', 'cancel', 'cancelled'],
  ['returned', 'cancel', 'cancelled'],
];
const allowedKey = new Set(ALLOWED.map(([from, action]) => `${from}:${action}`));
const FORBIDDEN = TASK_STATES.flatMap((from) =>
  TASK_ACTIONS.filter((action) => !allowedKey.has(`${from}:${action}`)).map((action) => [from, action] as const),
);

describe('reading task state machine', () => {
  it.each(ALLOWED)('%s --%s--> %s', (from, action, to) => {
    expect(canTransition(from, action)).toBe(true);
    expect(transition(from, action)).toBe(to);
  });

  it.each(FORBIDDEN)('%s refuses %s with a 409 that says why', (from, action) => {
    expect(canTransition(from, action)).toBe(false);
    let error: unknown;
    try {
      transition(from, action);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TaskTransitionError);
    expect((error as TaskTransitionError).kind).toBe('conflict');
    expect((error as TaskTransitionError).message).toMatch(new RegExp(`^Cannot ${action} this task: .+`));
  });

  it('covers every state × action pair exactly once between the two lists', () => {
    expect(ALLOWED.length + FORBIDDEN.length).toBe(TASK_STATES.length * TASK_ACTIONS.length);
  });

  it('nothing leaves signed or cancelled', () => {
    for (const action of TASK_ACTIONS) {
      expect(canTransition('signed', action)).toBe(false);
      expect(canTransition('cancelled', action)).toBe(false);
    }
    expect(() => transition('signed', 'save')).toThrow(/signed and can no longer change; add a signed addendum/);
  });
});
