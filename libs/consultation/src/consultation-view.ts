import type { ConsultationViewOf } from '@hub/contracts';
import type { ConsultationViewer } from './consultation-access.js';
import type { ConsultationRecord, MaterialRecord, ParticipantRecord } from './consultation-store.js';

/** A consultation as the API shows it; the conclusion hash lets anyone check the signed text and attendance. */
export type ConsultationView = ConsultationViewOf<Date>;

export function toConsultationView(
  c: ConsultationRecord,
  extra: { viewer?: ConsultationViewer; participants?: ParticipantRecord[]; materials?: MaterialRecord[] } = {},
): ConsultationView {
  const { conclusionText, conclusionSignedAt, conclusionSignedBy, conclusionHash, ...rest } = c;
  return {
    ...rest,
    conclusion: {
      text: conclusionText,
      signed: conclusionSignedAt !== null,
      signedAt: conclusionSignedAt,
      signedBy: conclusionSignedBy,
      hash: conclusionHash,
    },
    ...(extra.viewer !== undefined ? { yourRole: extra.viewer } : {}),
    ...(extra.participants ? { participants: extra.participants } : {}),
    ...(extra.materials ? { materials: extra.materials } : {}),
  };
}
