import { type Actor, hasRole } from '@hub/core';
import type { Patient } from './patient.types.js';

/**
 * Who may see a patient's record. Clinic staff: patients their institution has registered. Coordinators: patients of
 * their consortium. Readers and specialists get access through a task or consultation (added with those features).
 */
export function mayReadPatient(actor: Actor, patient: Pick<Patient, 'consortiumId' | 'identifiers'>): boolean {
  if (hasRole(actor, 'clinic_technician', 'clinic_doctor')) {
    if (patient.identifiers.some((i) => i.institutionId === actor.institutionId)) return true;
  }
  return hasRole(actor, 'coordinator') && actor.consortiumId === patient.consortiumId;
}

export function mayRegisterPatient(actor: Actor): boolean {
  return (
    hasRole(actor, 'clinic_technician', 'clinic_doctor') && actor.institutionId !== null && actor.consortiumId !== null
  );
}
