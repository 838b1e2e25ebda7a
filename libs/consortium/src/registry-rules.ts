import { type Actor, assertConsortiumScope, DomainError, isPlatformAdmin, type Role } from '@hub/core';
import type { CentreSla, ReadingPrivilege } from './registry.types.js';

/** STAT 30 min, urgent 2 h, routine 24 h: the consortium's usual targets when a centre is set up without its own. */
export const DEFAULT_SLA: Readonly<CentreSla> = Object.freeze({ stat: 30, urgent: 120, routine: 1440 });

export const resolveSla = (sla: CentreSla | undefined): CentreSla => ({ ...(sla ?? DEFAULT_SLA) });

const READING_ROLES: readonly Role[] = ['reader', 'senior_reader'];

/**
 * Which consortium a registry write targets: the one named, or the caller's own. The platform administrator belongs
 * to none, so must name it.
 */
export function targetConsortium(actor: Actor, requested: string | undefined): string {
  const consortiumId = requested ?? actor.consortiumId;
  if (!consortiumId) {
    throw new DomainError('invalid', 'consortiumId is required: the platform administrator belongs to no consortium', {
      field: 'consortiumId',
    });
  }
  assertConsortiumScope(actor, consortiumId);
  return consortiumId;
}

/** The consortium a read is limited to, or null for "all" (platform administrator without a filter). */
export function readScope(actor: Actor, requested: string | undefined): string | null {
  if (isPlatformAdmin(actor)) return requested ?? null;
  if (!actor.consortiumId) throw new DomainError('forbidden', 'Your account belongs to no consortium');
  if (requested) assertConsortiumScope(actor, requested);
  return actor.consortiumId;
}

/** May this caller see a record of that consortium (null: the platform administrator's own account)? */
export function assertRecordScope(actor: Actor, consortiumId: string | null): void {
  if (isPlatformAdmin(actor)) return;
  if (consortiumId === null) throw new DomainError('forbidden', 'This belongs to another consortium than yours');
  assertConsortiumScope(actor, consortiumId);
}

/**
 * Reading privileges only make sense for readers, and signing (审核签发) only for senior readers. Returns every
 * problem, so the administrator can fix the form in one go.
 */
export function privilegeProblems(roles: readonly Role[], privileges: readonly ReadingPrivilege[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const p of privileges) {
    if (seen.has(p.discipline)) problems.push(`privileges name the discipline ${p.discipline} more than once`);
    seen.add(p.discipline);
  }
  if (privileges.length > 0 && !roles.some((r) => READING_ROLES.includes(r))) {
    problems.push('reading privileges need the role reader or senior_reader');
  }
  const signing = privileges.filter((p) => p.canSign).map((p) => p.discipline);
  if (signing.length > 0 && !roles.includes('senior_reader')) {
    problems.push(`signing (canSign for ${signing.join(', ')}) needs the role senior_reader`);
  }
  return problems;
}

export function assertPrivilegesFit(roles: readonly Role[], privileges: readonly ReadingPrivilege[]): void {
  const problems = privilegeProblems(roles, privileges);
  if (problems.length > 0) {
    throw new DomainError('unprocessable', problems.join('; '), { field: 'privileges', problems });
  }
}

/** Why the institutions a centre names cannot be used: unknown ids, or members of another consortium. */
export function membershipProblems(
  consortiumId: string,
  requestedIds: readonly string[],
  found: readonly { id: string; consortiumId: string }[],
): string[] {
  const byId = new Map(found.map((i) => [i.id, i]));
  const problems: string[] = [];
  for (const id of new Set(requestedIds)) {
    const institution = byId.get(id);
    if (!institution) problems.push(`institution ${id} does not exist`);
    else if (institution.consortiumId !== consortiumId) {
      problems.push(`institution ${id} is not a member of consortium ${consortiumId}`);
    }
  }
  return problems;
}
