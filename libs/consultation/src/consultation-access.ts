import { type Actor, hasRole } from '@hub/core';
import type { ParticipantRole } from './entities/consultation-participant.entity.js';

/** What the access rules need to know of a consultation. */
export interface ConsultationFacts {
  consortiumId: string;
  requestingInstitutionId: string;
}

/** How the caller stands to a consultation: as the requesting clinic, a coordinator, an invited participant, or not. */
export type ConsultationViewer = ParticipantRole | null;

export const isRequestingSide = (actor: Actor, c: ConsultationFacts): boolean =>
  hasRole(actor, 'clinic_doctor', 'clinic_technician') && actor.institutionId === c.requestingInstitutionId;

export const isCoordinatorOf = (actor: Actor, c: ConsultationFacts): boolean =>
  hasRole(actor, 'coordinator') && actor.consortiumId === c.consortiumId;

/**
 * The caller's standing; `participantRole` is the caller's active invitation, if any. An invitation outranks the
 * general roles (a coordinator who chairs is the chair).
 */
export function viewerOf(
  actor: Actor,
  c: ConsultationFacts,
  participantRole: ParticipantRole | null,
): ConsultationViewer {
  if (participantRole) return participantRole;
  if (isCoordinatorOf(actor, c)) return 'coordinator';
  if (isRequestingSide(actor, c)) return 'requester';
  return null;
}

export const NOT_YOURS =
  'This consultation is open only to the requesting clinic, the consortium’s coordinators and the invited specialists';
