import type { Discipline, Priority } from '@hub/core';

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
  /** sha256 hex of the signed content (see report-hash.ts); null until signed. */
  contentHash: string | null;
  /** Recomputed on every read: false means the stored content no longer matches what was signed. */
  hashVerified: boolean | null;
  addenda: AddendumView[];
  marks: ReportMark[];
}
