import type { Role } from './roles.js';

/**
 * The authenticated caller, as every layer below the controller sees it.
 * institutionId/consortiumId are null only for the platform administrator created at first boot.
 */
export interface Actor {
  userId: string;
  username: string;
  roles: readonly Role[];
  institutionId: string | null;
  consortiumId: string | null;
  sessionId: string;
  mfa: boolean;
}

export const hasRole = (actor: Actor, ...roles: Role[]): boolean => roles.some((r) => actor.roles.includes(r));
export const isPlatformAdmin = (actor: Actor): boolean => hasRole(actor, 'admin') && actor.consortiumId === null;
