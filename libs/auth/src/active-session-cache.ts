import type { ChangeKinds, NotifiedCache } from '@hub/db';

/** The channel the auth_change_notify() trigger (migration SessionChangeNotifications) notifies on. */
export const AUTH_CHANGE_CHANNEL = 'hub_auth_change';

/** Live sessions by session id; each value names its user. */
export type ActiveSessionCache<T extends { userId: string }> = NotifiedCache<T>;

/**
 * What auth_change_notify() names: 'session:<id>' one session, 'user:<id>' every session of a user ('all', when an
 * institution changed or a table was truncated, drops everything).
 */
export const AUTH_CHANGES = {
  session: (id: string) => (sessionId: string) => sessionId === id,
  user: (id: string) => (_: string, session: { userId: string }) => session.userId === id,
} satisfies ChangeKinds<{ userId: string }>;
