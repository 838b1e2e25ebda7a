import type { Discipline, Priority, ReturnReason, SlaStatus, TaskState } from './vocabulary.js';

// The reading layer's wire shapes: what /api/requests, /api/tasks, /api/reports answer and what /events sends.

/** POST /api/requests. */
export interface NewReadingRequest {
  /** The hub's id of the study; or, for a study sent by DICOMweb, its Study Instance UID. */
  studyId?: string;
  studyInstanceUid?: string;
  priority: Priority;
  referral?: boolean;
  clinicalNotes?: string;
  examCode?: string;
  centreId?: string;
}

/** Open tasks: on_time / warning / breached; signed ones: met / missed; returned or cancelled ones: null. */
export type TaskSla = SlaStatus | 'met' | 'missed' | null;

/** A task as the API shows it; the fencing token only to its holder. */
export interface TaskView {
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

export interface RequestView {
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
  task: TaskView;
  /** Clinics see the report once it is signed; centre staff and coordinators see drafts too. */
  report: ReportView | null;
}

export type ReportStatus = 'draft' | 'submitted' | 'signed';

/** A structured field's value as saved: what the centre's template for the exam allows. */
export type StructuredValue = string | number | boolean | null;

/** A signed correction to a signed report (更正补充报告), itself immutable. */
export interface AddendumView {
  id: string;
  /** 1, 2, … in the order they were signed. */
  seq: number;
  text: string;
  signedBy: { userId: string; displayName: string };
  signedAt: string;
  /** sha256 hex over the addendum and the hash before it (the report's, or the previous addendum's). */
  contentHash: string;
}

/**
 * A mark a later layer puts on a signed report when it is read, e.g. mutual recognition: "XX医共体HR" and the day the
 * result stops being recognisable. Judged at each read (QC records and the catalogue change), never stored.
 */
export interface ReportMark {
  kind: 'mutual_recognition';
  label: string;
  validUntil: string | null;
}

/** A report as the API shows it (JSON), and what the FHIR and PDF renderings are made from. */
export interface ReportView {
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
  /** sha256 hex of the signed content; null until signed. */
  contentHash: string | null;
  /** Recomputed on every read: false means the stored content no longer matches what was signed. */
  hashVerified: boolean | null;
  addenda: AddendumView[];
  marks: ReportMark[];
}

/** What every live reading event carries: ids and states only, never patient data (clients fetch what they may see). */
export interface TaskEventPayload {
  taskId: string;
  requestId: string;
  centreId: string;
  state: TaskState;
  priority: Priority;
  referral: boolean;
  dueAt: string;
  at: string;
}

/** The live events of the reading layer (socket.io namespace /events), by name. */
export interface ReadingEventMap {
  'task.created': TaskEventPayload;
  'task.claimed': TaskEventPayload & { holderUserId: string };
  'task.released': TaskEventPayload & { cause: 'released' | 'lease_expired' };
  'task.submitted': TaskEventPayload;
  'task.cancelled': TaskEventPayload;
  'request.claimed': TaskEventPayload;
  'request.returned': TaskEventPayload & { reason: ReturnReason; note: string | null };
  'report.signed': TaskEventPayload & { reportId: string };
  'report.amended': TaskEventPayload & { reportId: string; addendumSeq: number };
  /** 80% of the time from queueing to due has passed and the task is not signed yet (for coordinators). */
  'sla.warning': TaskEventPayload & { warnAt: string };
  /** The due time has passed and the task is not signed yet (for coordinators). */
  'sla.breached': TaskEventPayload;
}
export type ReadingEventName = keyof ReadingEventMap;

/** What the hub sends on /events besides the reading events: who the socket follows, and why it is being closed. */
export interface EventsSessionMap {
  ready: { userId: string; rooms: string[] };
  'session.expired': { message: string };
}

/** Every server-to-client event of namespace /events, by name. */
export type EventsNamespaceMap = ReadingEventMap & EventsSessionMap;

/** The typed server-to-client map of namespace /events (socket.io's listener form). */
export type ReadingServerEvents = {
  [N in keyof EventsNamespaceMap]: (payload: EventsNamespaceMap[N]) => void;
};
