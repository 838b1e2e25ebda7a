// Wire shapes of the hub API, field for field as the server sends them (dates are ISO strings in JSON).

export type Role =
  | 'clinic_technician'
  | 'clinic_doctor'
  | 'reader'
  | 'senior_reader'
  | 'specialist'
  | 'coordinator'
  | 'admin'
  | 'auditor';
export type Discipline = 'imaging' | 'ecg' | 'lab' | 'pathology';
export type Priority = 'stat' | 'urgent' | 'routine';

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

export interface UserAccount {
  id: string;
  username: string;
  displayName: string;
  institutionId: string | null;
  consortiumId: string | null;
  roles: Role[];
  active: boolean;
  totpEnabled: boolean;
  createdAt: string;
}

/** GET /api/auth/me: the account plus whether this session passed two-factor. */
export interface Me extends UserAccount {
  mfa: boolean;
}

export interface TokenPair {
  accessToken: string;
  /** Single use: presenting it twice ends the whole session. */
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds the access token lives. */
  expiresIn: number;
}

export interface LoginResult extends TokenPair {
  user: UserAccount;
}

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

export type AbnormalFlag = 'N' | 'L' | 'H' | 'LL' | 'HH' | 'A' | 'AA';

export interface StudyFile {
  id: string;
  fileName: string;
  mediaType: string;
  format: string;
  size: number;
  sha256: string;
}

export interface LabResult {
  itemCode: string;
  itemName: string;
  loinc: string | null;
  value: string;
  numericValue: number | null;
  unit: string | null;
  referenceRange: string | null;
  abnormalFlag: AbnormalFlag | null;
  observedAt: string | null;
  sourceFileId: string | null;
}

export interface Study {
  id: string;
  consortiumId: string;
  institutionId: string;
  patientId: string;
  discipline: Discipline;
  examCode: string | null;
  performedAt: string | null;
  accessionNumber: string | null;
  description: string | null;
  studyInstanceUid: string | null;
  /** YYYY-MM-DD. */
  studyDate: string | null;
  createdAt: string;
  files: StudyFile[];
  labResults: LabResult[];
  dicom: { seriesCount: number; instanceCount: number; modalities: string[] } | null;
}

// ---- reading ----

export type TaskState =
  'queued' | 'claimed' | 'drafted' | 'submitted' | 'reviewing' | 'signed' | 'returned' | 'cancelled';

export type ReturnReason =
  | 'poor_image_quality'
  | 'incomplete_study'
  | 'missing_clinical_information'
  | 'wrong_patient_or_study'
  | 'wrong_centre'
  | 'other';

/** Open tasks: on_time/warning/breached; signed: met/missed; returned or cancelled: null. */
export type TaskSla = 'on_time' | 'warning' | 'breached' | 'met' | 'missed' | null;

export interface Task {
  id: string;
  requestId: string;
  centreId: string;
  discipline: Discipline;
  state: TaskState;
  priority: Priority;
  referral: boolean;
  queuedAt: string;
  dueAt: string;
  sla: TaskSla;
  holderUserId: string | null;
  leaseExpiresAt: string | null;
  /** Only present for the lease holder; every write on the task must echo it. */
  fencingToken?: number;
  firstClaimedAt: string | null;
  submittedAt: string | null;
  signedAt: string | null;
  returnReason: ReturnReason | null;
  returnNote: string | null;
  returnedAt: string | null;
  resubmissions: number;
  cancelledAt: string | null;
}

export interface ReadingRequest {
  id: string;
  studyId: string;
  patientId: string;
  requestingInstitutionId: string;
  requestedByUserId: string;
  priority: Priority;
  referral: boolean;
  clinicalNotes: string | null;
  examCode: string | null;
  createdAt: string;
  task: Task;
  /** Clinics get it only once signed; centre staff and coordinators see drafts too. */
  report: Report | null;
}

/** A row of a centre's worklist. */
export interface QueueItem extends Task {
  examCode: string | null;
  requestingInstitution: { id: string; name: string };
  patient: { name: string | null; sex: string | null; birthDate: string | null };
  study: { id: string; description: string | null };
  holder: { userId: string; displayName: string } | null;
}

export type ReportStatus = 'draft' | 'submitted' | 'signed';
export type StructuredValue = string | number | boolean | null;

export interface Addendum {
  id: string;
  seq: number;
  text: string;
  signedBy: { userId: string; displayName: string };
  signedAt: string;
  contentHash: string;
}

/** e.g. the mutual-recognition (互认) HR mark, judged at each read of a signed report. */
export interface ReportMark {
  kind: 'mutual_recognition';
  label: string;
  validUntil: string | null;
}

export interface Report {
  id: string;
  taskId: string;
  requestId: string;
  status: ReportStatus;
  discipline: Discipline;
  priority: Priority;
  referral: boolean;
  examCode: string | null;
  clinicalNotes: string | null;
  centre: { id: string; name: string; institutionName: string };
  requestingInstitution: { id: string; name: string };
  study: {
    id: string;
    studyInstanceUid: string | null;
    accessionNumber: string | null;
    performedAt: string | null;
    modalities: string[];
    description: string | null;
  };
  patient: { id: string; name: string | null; sex: string | null; birthDate: string | null; localId: string };
  findings: string;
  impression: string;
  structured: Record<string, StructuredValue>;
  version: number;
  author: { userId: string; displayName: string } | null;
  submittedAt: string | null;
  signedBy: { userId: string; displayName: string } | null;
  signedAt: string | null;
  contentHash: string | null;
  /** false: the stored content no longer matches what was signed. */
  hashVerified: boolean | null;
  addenda: Addendum[];
  marks: ReportMark[];
}

/** POST /api/requests: give studyId (hub UUID) or studyInstanceUid. */
export interface NewReadingRequest {
  studyId?: string;
  studyInstanceUid?: string;
  priority: Priority;
  referral?: boolean;
  clinicalNotes?: string;
  examCode?: string;
  centreId?: string;
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
