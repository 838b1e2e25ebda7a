import { type Actor, hasRole, type Role } from '@hub/core';

/** Who watches the consortium's centres and clinics: its coordinators, administrators and auditors. */
export const OVERSIGHT_ROLES: Role[] = ['coordinator', 'admin', 'auditor'];

/** Oversight is per consortium: the platform administrator belongs to none, so has no figures to see. */
export const mayOversee = (actor: Actor): actor is Actor & { consortiumId: string } =>
  actor.consortiumId !== null && hasRole(actor, ...OVERSIGHT_ROLES);

/** Minutes to one decimal. */
export const minutes = (m: number | null): number | null => (m === null ? null : Math.round(m * 10) / 10);
