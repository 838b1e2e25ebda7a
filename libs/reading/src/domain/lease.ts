import { LEASED_STATES, type TaskState } from './task-state.js';

export interface LeaseHolder {
  state: TaskState;
  holderUserId: string | null;
  leaseExpiresAt: Date | null;
  /** bigint as text, as PostgreSQL returns it. */
  fencingToken: string;
}

/**
 * Why a write carrying `token` from `userId` is refused, or null when it holds the current lease. The token is the
 * fence: after a lease runs out and someone else claims, the old holder's token is behind and nothing of theirs lands.
 */
export function leaseRefusal(task: LeaseHolder, userId: string, token: string, now: Date): string | null {
  if (!LEASED_STATES.includes(task.state)) {
    return `No one holds this task now (it is ${task.state}): claim it before writing`;
  }
  if (BigInt(token) !== BigInt(task.fencingToken) || task.holderUserId !== userId) {
    return (
      `Your claim is no longer current: the task was claimed again after it (fencing token ${task.fencingToken}, ` +
      `yours ${token}). Your change was not saved; reload the task`
    );
  }
  if (task.leaseExpiresAt && task.leaseExpiresAt.getTime() <= now.getTime()) {
    return `Your lease ran out at ${task.leaseExpiresAt.toISOString()}: claim the task again before writing`;
  }
  return null;
}
