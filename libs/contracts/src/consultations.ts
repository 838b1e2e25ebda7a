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
