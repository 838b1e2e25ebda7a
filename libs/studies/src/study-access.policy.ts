import { type Actor, type Discipline, hasRole } from '@hub/core';

/**
 * Which studies a caller may search and retrieve:
 * - `institution`: the studies the caller's institution sent, and those granted to it (clinic staff);
 * - `consortium`: every study of the consortium (coordinators);
 * - `centres`: the studies of the caller's consortium granted to one of the reading centres the caller works at and is
 *   privileged for (readers and senior readers), while the grant is neither revoked nor expired;
 * - `user`: the studies granted to the caller personally (a specialist invited to a consultation sees its materials);
 * - `any`: the union of several, for a caller with more than one role.
 */
export type StudyScope =
  | { kind: 'institution'; institutionId: string }
  | { kind: 'consortium'; consortiumId: string }
  | { kind: 'centres'; consortiumId: string; centreIds: readonly string[] }
  | { kind: 'user'; userId: string }
  | { kind: 'any'; scopes: readonly StudyScope[] };

/** What the scope rule needs to know of a centre (a `Centre` of @hub/consortium fits). */
export interface CentreFacts {
  id: string;
  consortiumId: string;
  hostInstitutionId: string;
  discipline: Discipline;
}

/** What the scope rule needs to know of a reading privilege (a `ReadingPrivilege` of @hub/consortium fits). */
export interface PrivilegeFacts {
  discipline: Discipline;
}

export const mayBeCentreStaff = (actor: Actor): boolean =>
  hasRole(actor, 'reader', 'senior_reader') && actor.institutionId !== null && actor.consortiumId !== null;

/**
 * The centres whose granted studies the caller may read: the reading rule of @hub/reading (reading-access.ts) — a
 * reader or senior reader working at the centre's host institution, privileged for the centre's discipline.
 */
export function readableCentreIds(
  actor: Actor,
  centres: readonly CentreFacts[],
  privileges: readonly PrivilegeFacts[],
): string[] {
  if (!mayBeCentreStaff(actor)) return [];
  return centres
    .filter(
      (c) =>
        c.hostInstitutionId === actor.institutionId &&
        c.consortiumId === actor.consortiumId &&
        privileges.some((p) => p.discipline === c.discipline),
    )
    .map((c) => c.id);
}

/**
 * The caller's scope, or null when they may see no study at all. `centreIds` are the centres the caller may read for
 * (see readableCentreIds); a reader staffing no centre has no scope.
 */
export function studyScopeFor(actor: Actor, centreIds: readonly string[] = []): StudyScope | null {
  // A coordinator's consortium holds every other scope of theirs (their institution's and their centres' studies).
  if (hasRole(actor, 'coordinator') && actor.consortiumId) {
    return { kind: 'consortium', consortiumId: actor.consortiumId };
  }
  const scopes: StudyScope[] = [];
  if (hasRole(actor, 'clinic_technician', 'clinic_doctor') && actor.institutionId) {
    scopes.push({ kind: 'institution', institutionId: actor.institutionId });
  }
  if (mayBeCentreStaff(actor) && centreIds.length > 0) {
    scopes.push({ kind: 'centres', consortiumId: actor.consortiumId!, centreIds: [...new Set(centreIds)].sort() });
  }
  if (hasRole(actor, 'specialist')) scopes.push({ kind: 'user', userId: actor.userId });
  if (scopes.length === 0) return null;
  return scopes.length === 1 ? scopes[0]! : { kind: 'any', scopes };
}

export function mayStoreStudies(actor: Actor): boolean {
  return (
    hasRole(actor, 'clinic_technician', 'clinic_doctor') && actor.institutionId !== null && actor.consortiumId !== null
  );
}
