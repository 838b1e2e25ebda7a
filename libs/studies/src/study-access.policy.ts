import { type Actor, hasRole } from '@hub/core';

/** Which studies a caller may search and retrieve. Reading centres get theirs through reading requests (next layer). */
export type StudyScope = { kind: 'institution'; institutionId: string } | { kind: 'consortium'; consortiumId: string };

export function studyScopeFor(actor: Actor): StudyScope | null {
  if (hasRole(actor, 'clinic_technician', 'clinic_doctor') && actor.institutionId) {
    return { kind: 'institution', institutionId: actor.institutionId };
  }
  if (hasRole(actor, 'coordinator') && actor.consortiumId)
    return { kind: 'consortium', consortiumId: actor.consortiumId };
  return null;
}

export function mayStoreStudies(actor: Actor): boolean {
  return (
    hasRole(actor, 'clinic_technician', 'clinic_doctor') && actor.institutionId !== null && actor.consortiumId !== null
  );
}
