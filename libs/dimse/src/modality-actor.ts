import type { Actor } from '@hub/core';
import type { AssociationSession } from './scp/scp-services.js';

/**
 * Whom the hub's rules and audit trail see behind a DICOM association: the modality, acting for its clinic with a
 * technician's rights. A modality has no user account, so the actor's user id is the modality's registration id and
 * its name `dicom:<AE title>` (audit events show both); its session is the association.
 */
export function modalityActor(session: AssociationSession): Actor {
  return {
    userId: session.modality.id,
    username: `dicom:${session.modality.aeTitle}`,
    roles: ['clinic_technician'],
    institutionId: session.modality.institutionId,
    consortiumId: session.modality.consortiumId,
    sessionId: session.id,
    mfa: false,
  };
}
