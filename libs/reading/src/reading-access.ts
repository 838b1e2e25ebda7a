import { type Actor, type Discipline, forbidden, hasRole } from '@hub/core';
import type { Centre, ReadingPrivilege } from '@hub/consortium';

/** Centre staff: readers and senior readers of the centre's host institution. */
export function isCentreStaff(actor: Actor, centre: Pick<Centre, 'hostInstitutionId'>): boolean {
  return hasRole(actor, 'reader', 'senior_reader') && actor.institutionId === centre.hostInstitutionId;
}

export function privilegeFor(privileges: readonly ReadingPrivilege[], discipline: Discipline): ReadingPrivilege | null {
  return privileges.find((p) => p.discipline === discipline) ?? null;
}

/** A reader working a centre's queue: staff of the centre, privileged for its discipline. */
export function assertMayRead(actor: Actor, centre: Centre, privileges: readonly ReadingPrivilege[]): void {
  if (!isCentreStaff(actor, centre)) {
    throw forbidden(`You are not on the staff of ${centre.name}: its readers work at its host institution`);
  }
  if (!privilegeFor(privileges, centre.discipline)) {
    throw forbidden(`You hold no reading privilege for ${centre.discipline}, the discipline of ${centre.name}`);
  }
}

/** Who may see a centre's queue: its privileged readers, and the coordinators of its consortium. */
export function mayViewQueue(actor: Actor, centre: Centre, privileges: readonly ReadingPrivilege[]): boolean {
  if (hasRole(actor, 'coordinator') && actor.consortiumId === centre.consortiumId) return true;
  return isCentreStaff(actor, centre) && privilegeFor(privileges, centre.discipline) !== null;
}

/** The clinic that asked: its doctors and technicians. */
export function isRequester(actor: Actor, requestingInstitutionId: string): boolean {
  return hasRole(actor, 'clinic_technician', 'clinic_doctor') && actor.institutionId === requestingInstitutionId;
}
