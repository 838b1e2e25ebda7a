import { type Actor, hasRole } from '@hub/core';
import type { Centre, ReadingPrivilege } from '@hub/consortium';
import { readRefusal } from '../reading-access.js';
import type { Audience } from '../reading-events.js';

/** The socket.io room of an audience: one per centre, per requesting institution and per consortium. */
export function roomOf(audience: Audience): string {
  if ('centreId' in audience) return `centre:${audience.centreId}`;
  if ('institutionId' in audience) return `institution:${audience.institutionId}`;
  return `consortium:${audience.consortiumId}`;
}

/**
 * The rooms a user follows on /events: the queues of the centres they may work (staff privileged for the discipline),
 * their clinic's requests (clinic doctors and technicians), and as coordinator their consortium's SLA alerts and the
 * queues of all its centres. `centres` are those of the user's consortium or hosted by their institution.
 */
export function roomsFor(actor: Actor, centres: readonly Centre[], privileges: readonly ReadingPrivilege[]): string[] {
  const rooms = new Set<string>();
  if (hasRole(actor, 'clinic_technician', 'clinic_doctor') && actor.institutionId) {
    rooms.add(roomOf({ institutionId: actor.institutionId }));
  }
  const coordinator = hasRole(actor, 'coordinator') && actor.consortiumId !== null;
  if (coordinator) rooms.add(roomOf({ consortiumId: actor.consortiumId! }));
  for (const centre of centres) {
    const followsQueue = coordinator
      ? centre.consortiumId === actor.consortiumId
      : readRefusal(actor, centre, privileges) === null;
    if (followsQueue) rooms.add(roomOf({ centreId: centre.id }));
  }
  return [...rooms];
}
