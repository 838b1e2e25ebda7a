/** A study attached to a consultation: what its invited specialists may open while it lasts. */
export interface ConsultationMaterial {
  studyId: string;
  studyInstanceUid: string | null;
  discipline: string;
  examCode: string | null;
  studyDate: string | null;
  description: string | null;
  /** The signed reports of the study (ids for GET /api/reports/:id). */
  reportIds: string[];
}

/** remote: 远程会诊 (the lead hospital's specialists answer a clinic); mdt: 多学科会诊 (a team session). */
export const CONSULTATION_KINDS = ['remote', 'mdt'] as const;
export type ConsultationKind = (typeof CONSULTATION_KINDS)[number];

/** POST /api/consultations: a clinic doctor asks about one patient of the consortium. */
export interface NewConsultation {
  kind: ConsultationKind;
  patientId: string;
  question: string;
  caseSummary: string;
  /** Hub ids of the patient's studies that the requesting institution sent. */
  studyIds?: string[];
  requestedSpecialties?: string[];
  /** ISO 8601. */
  proposedAt?: string;
  /** The patient's informed consent, when the requesting doctor records it with the request. */
  consent?: { note?: string };
}

/** POST /api/consultations/:id/invitations: a user of the consortium with the specialist role. */
export interface ConsultationInvitation {
  userId: string;
  role?: 'chair' | 'specialist';
  specialty?: string;
}

export const CONSULTATION_STATES = ['requested', 'scheduled', 'live', 'concluded', 'cancelled'] as const;
export type ConsultationState = (typeof CONSULTATION_STATES)[number];

/** How someone stands to a consultation: invited (chair, specialist), the requesting side, the coordinator. */
export type ParticipantRole = 'chair' | 'specialist' | 'requester' | 'coordinator';

/** `T` is how a time is held: an ISO 8601 string on the wire (the default), a Date inside the hub. */
export interface ConsultationParticipantOf<T = string> {
  userId: string;
  displayName: string;
  institutionId: string | null;
  role: ParticipantRole;
  specialty: string | null;
  invitedAt: T;
}

/** Who was in the room (from its presence events), as recorded when the chair signed (kept as JSON: ISO times). */
export interface Attendance {
  userId: string;
  name: string;
  role: string;
  firstJoinedAt: string;
  lastLeftAt: string | null;
}

/** GET /api/consultations/:id (the list and the changes leave out participants, materials and yourRole). */
export interface ConsultationViewOf<T = string> {
  id: string;
  consortiumId: string;
  kind: ConsultationKind;
  state: ConsultationState;
  requestingInstitutionId: string;
  requestedByUserId: string;
  patientId: string;
  question: string;
  caseSummary: string;
  requestedSpecialties: string[];
  proposedAt: T | null;
  consentRecordedAt: T | null;
  consentRecordedBy: string | null;
  consentNote: string | null;
  scheduledAt: T | null;
  startedAt: T | null;
  endedAt: T | null;
  cancelledAt: T | null;
  cancelReason: string | null;
  attendance: Attendance[] | null;
  lastSeq: number;
  createdAt: T;
  updatedAt: T;
  conclusion: {
    text: string | null;
    signed: boolean;
    signedAt: T | null;
    signedBy: string | null;
    /** sha256 hex over the signed text, signer, time and attendance: anyone can check them. */
    hash: string | null;
  };
  /** How the caller stands to it; null: not at all (they would have been refused). */
  yourRole?: ParticipantRole | null;
  participants?: ConsultationParticipantOf<T>[];
  materials?: ConsultationMaterial[];
}
