// Wire shapes of the hub API, field for field as the server sends them (dates are ISO strings in JSON). Those the
// server declares in @hub/contracts come from there; the rest are the console's own reading of the API.
import type {
  AbnormalFlag,
  Attendance,
  ConsultationKind,
  ConsultationMaterial,
  ConsultationParticipantOf,
  ConsultationState,
  ConsultationViewOf,
  Discipline,
  LabResultViewOf,
  LoginResultOf,
  ParticipantRole,
  Priority,
  StructuredValue,
  StudyFileView,
  StudyRecordOf,
  TaskState,
  TaskView as Task,
  TokenPair,
  UserAccountOf,
} from '@hub/contracts';

export type { Discipline, Priority, ReturnReason, Role, TaskSla, TaskState } from '@hub/contracts';
export type {
  AddendumView as Addendum,
  NewReadingRequest,
  ReportMark,
  ReportStatus,
  ReportView as Report,
  RequestView as ReadingRequest,
  StructuredValue,
  TaskView as Task,
} from '@hub/contracts';

/** The hub's error body for every non-DICOM failure (apps/hub/src/http/exception.filter.ts). */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  /** e.g. `{ problems: string[] }` (validation), `{ totpRequired: true }`, `{ state, action }` (refused transition). */
  details?: Record<string, unknown>;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface PageQuery {
  /** 1..500, default 50. */
  limit?: number;
  offset?: number;
}

// ---- auth ----

export type UserAccount = UserAccountOf;

/** GET /api/auth/me: the account plus whether this session passed two-factor. */
export interface Me extends UserAccount {
  mfa: boolean;
}

export type { TokenPair };
export type LoginResult = LoginResultOf;

// ---- DICOM JSON (QIDO-RS / STOW-RS) ----

export interface DicomJsonAttribute {
  vr: string;
  Value?: unknown[];
  BulkDataURI?: string;
  InlineBinary?: string;
}
/** Tag "GGGGEEEE" → attribute. */
export type DicomJsonDataset = Record<string, DicomJsonAttribute>;

export interface PersonNameValue {
  Alphabetic?: string;
  Ideographic?: string;
  Phonetic?: string;
}

/** QIDO-RS study matching keys the hub accepts (unknown keys are refused with 400). */
export interface QidoStudyFilters extends PageQuery {
  PatientID?: string;
  /** DICOM wildcards: * and ?. */
  PatientName?: string;
  /** YYYYMMDD, or a range YYYYMMDD-YYYYMMDD (either end may be left out). */
  StudyDate?: string;
  AccessionNumber?: string;
  ModalitiesInStudy?: string;
  StudyInstanceUID?: string;
  ReferringPhysicianName?: string;
  StudyDescription?: string;
  /** Keywords or tags to add, or 'all'. */
  includefield?: string;
}

// ---- studies (GET /api/studies/:id) ----

export type { AbnormalFlag, StudyFileView as StudyFile };
export type LabResult = LabResultViewOf;
export type Study = StudyRecordOf;

// ---- reading ----

/** A row of a centre's worklist. */
export interface QueueItem extends Task {
  examCode: string | null;
  requestingInstitution: { id: string; name: string };
  patient: { name: string | null; sex: string | null; birthDate: string | null };
  study: { id: string; description: string | null };
  holder: { userId: string; displayName: string } | null;
}

export interface RequestListFilters extends PageQuery {
  state?: TaskState[];
}

export interface QueueFilters extends PageQuery {
  /** read: queued/claimed/drafted; review: submitted/reviewing. Default: all open states. */
  stage?: 'read' | 'review';
  state?: TaskState[];
  priority?: Priority;
  referral?: boolean;
  /** Only requests from this clinic. */
  institutionId?: string;
  /** Only tasks the caller holds. */
  mine?: boolean;
}

export interface DraftReport {
  findings: string;
  impression: string;
  structured?: Record<string, StructuredValue>;
}

// ---- registry ----

export interface Centre {
  id: string;
  consortiumId: string;
  hostInstitutionId: string;
  name: string;
  discipline: Discipline;
  /** Minutes from request to signed report, per priority. */
  sla: Record<Priority, number>;
  twoStepSignoff: boolean;
  servedInstitutionIds: string[];
  createdAt: string;
}

export interface CentreFilters extends PageQuery {
  consortiumId?: string;
  discipline?: Discipline;
}

// ---- consultations (远程会诊 / MDT) ----

export type { Attendance, ConsultationKind, ConsultationState, ParticipantRole };
export type ConsultationParticipant = ConsultationParticipantOf;
export type { ConsultationMaterial };
/** GET /api/consultations/:id (the list and the changes leave out participants, materials and yourRole). */
export type Consultation = ConsultationViewOf;
