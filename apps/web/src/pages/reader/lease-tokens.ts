/**
 * The fencing token a claim handed out, per task, kept in sessionStorage so a reload of the task page keeps writing
 * with it. The hub checks it on every write; a token that is no longer current gets 409.
 */
const key = (taskId: string) => `hub.fencing.${taskId}`;

export const leaseTokens = {
  get(taskId: string): number | null {
    const raw = sessionStorage.getItem(key(taskId));
    return raw === null ? null : Number(raw);
  },
  set(taskId: string, token: number): void {
    sessionStorage.setItem(key(taskId), String(token));
  },
  forget(taskId: string): void {
    sessionStorage.removeItem(key(taskId));
  },
};
