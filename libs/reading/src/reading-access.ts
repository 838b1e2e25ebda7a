import { type Actor, type Discipline, hasRole } from '@hub/core';
import type { Centre, ReadingPrivilege } from '@hub/consortium';

/** Centre staff: readers and senior readers of the centre's host institution. */
export function isCentreStaff(actor: Actor, centre: Pick<Centre, 'hostInstitutionId'>): boolean {
  return hasRole(actor, 'reader', 'senior_reader') && actor.institutionId === centre.hostInstitutionId;
}

export function privilegeFor(privileges: readonly ReadingPrivilege[], discipline: Discipline): ReadingPrivilege | null {
  return privileges.find((p) => p.discipline === discipline) ?? null;
}

/** Why this caller may not work the centre's queue (staff of the centre, privileged for its discipline), or null. */
export function readRefusal(actor: Actor, centre: Centre, privileges: readonly ReadingPrivilege[]): string | null {
  if (!isCentreStaff(actor, centre)) {
    return `You are not on the staff of ${centre.name}: its readers work at its host institution`;
  }
  if (!privilegeFor(privileges, centre.discipline)) {
    return `You hold no reading privilege for ${centre.discipline}, the discipline of ${centre.name}`;
  }
  return null;
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
