import type { ConsultationViewer } from './consultation-access.js';
import type { ConsultationRecord, MaterialRecord, ParticipantRecord } from './consultation-store.js';

/** A consultation as the API shows it; the conclusion hash lets anyone check the signed text and attendance. */
export interface ConsultationView extends Omit<ConsultationRecord, 'conclusionHash'> {
  conclusion: {
    text: string | null;
    signed: boolean;
    signedAt: Date | null;
    signedBy: string | null;
    hash: string | null;
  };
  /** How the caller stands to it (requester, coordinator, chair, specialist). */
  yourRole?: ConsultationViewer;
  participants?: ParticipantRecord[];
  materials?: MaterialRecord[];
}

export function toConsultationView(
  c: ConsultationRecord,
  extra: { viewer?: ConsultationViewer; participants?: ParticipantRecord[]; materials?: MaterialRecord[] } = {},
): ConsultationView {
  const { conclusionHash, ...rest } = c;
  return {
    ...rest,
    conclusion: {
      text: c.conclusionText,
      signed: c.conclusionSignedAt !== null,
      signedAt: c.conclusionSignedAt,
      signedBy: c.conclusionSignedBy,
      hash: conclusionHash,
    },
    ...(extra.viewer !== undefined ? { yourRole: extra.viewer } : {}),
    ...(extra.participants ? { participants: extra.participants } : {}),
    ...(extra.materials ? { materials: extra.materials } : {}),
  };
}
