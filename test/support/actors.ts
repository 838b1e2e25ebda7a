import type { Actor, Role } from '@hub/core';

/** An authenticated caller for unit tests of access rules. */
export const testActor = (
  roles: Role[],
  institutionId: string | null = 'inst-a',
  consortiumId: string | null = 'cons-1',
): Actor => ({
  userId: 'u',
  username: 'u',
  roles,
  institutionId,
  consortiumId,
  sessionId: 's',
  mfa: false,
});
