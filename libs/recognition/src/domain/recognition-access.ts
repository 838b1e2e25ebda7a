import { type Actor, hasRole } from '@hub/core';

/** Doctors who order examinations and tests: they look up prior results and decide whether to recognise them. */
export const ORDERING_ROLES = ['clinic_doctor', 'specialist'] as const;

export const ordersTests = (actor: Actor): boolean => hasRole(actor, ...ORDERING_ROLES);

/**
 * May this doctor look up (and decide on) this patient's results? Only for a patient of their consortium whom their
 * own institution has registered: the consortium-wide patient index links the same person across clinics.
 */
export function mayLookUpFor(
  actor: Actor,
  patient: { consortiumId: string; institutionIds: readonly string[] },
): boolean {
  return (
    ordersTests(actor) &&
    actor.consortiumId === patient.consortiumId &&
    actor.institutionId !== null &&
    patient.institutionIds.includes(actor.institutionId)
  );
}

/** Who sees the consortium's recognition statistics. */
export const mayViewStatistics = (actor: Actor): boolean =>
  actor.consortiumId !== null && hasRole(actor, 'coordinator', 'admin', 'auditor');

/** Who edits the catalogue, the HR scope and the institutions' QC records: the consortium's administrators. */
export const mayAdministerRecognition = (actor: Actor): boolean =>
  actor.consortiumId !== null && hasRole(actor, 'admin');
