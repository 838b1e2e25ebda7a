import type { NotifiedCache } from '@hub/db';

/** The channel the auth_change_notify() trigger (migration SessionChangeNotifications) notifies on. */
export const AUTH_CHANGE_CHANNEL = 'hub_auth_change';

/** Live sessions by session id; each value names its user. */
export type ActiveSessionCache<T extends { userId: string }> = NotifiedCache<T>;

/**
 * Drops what a payload of auth_change_notify() names: 'session:<id>' one session, 'user:<id>' every session of a user,
 * anything else ('all': an institution changed, a table was truncated) everything.
 */
export function applyAuthChange<T extends { userId: string }>(cache: ActiveSessionCache<T>, payload: string): void {
  const [kind, id] = payload.split(':', 2);
  if (kind === 'session' && id) return cache.changed((sessionId) => sessionId === id);
  if (kind === 'user' && id) return cache.changed((_, session) => session.userId === id);
  cache.changed();
}
