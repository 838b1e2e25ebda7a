import type { Discipline } from './vocabulary.js';

/** HL7 v2 abnormal flags a lab value may carry (N normal, L/H low/high, LL/HH critical, A/AA abnormal). */
export const ABNORMAL_FLAGS = ['N', 'L', 'H', 'LL', 'HH', 'A', 'AA'] as const;
export type AbnormalFlag = (typeof ABNORMAL_FLAGS)[number];

export interface StudyFileView {
  id: string;
  fileName: string;
  mediaType: string;
  format: string;
  size: number;
  sha256: string;
}

/** `T` is how a time is held: an ISO 8601 string on the wire (the default), a Date inside the hub. */
export interface LabResultViewOf<T = string> {
  itemCode: string;
  itemName: string;
  loinc: string | null;
  value: string;
  numericValue: number | null;
  unit: string | null;
  referenceRange: string | null;
  abnormalFlag: AbnormalFlag | null;
  observedAt: T | null;
  sourceFileId: string | null;
}

/** A study as the API shows it, whatever way it arrived (DICOMweb or upload). */
export interface StudyRecordOf<T = string> {
  id: string;
  consortiumId: string;
  institutionId: string;
  patientId: string;
  discipline: Discipline;
  examCode: string | null;
  performedAt: T | null;
  accessionNumber: string | null;
  description: string | null;
  studyInstanceUid: string | null;
  /** YYYY-MM-DD. */
  studyDate: string | null;
  createdAt: T;
  files: StudyFileView[];
  labResults: LabResultViewOf<T>[];
  /** For DICOM studies: what QIDO-RS and WADO-RS serve under /dicomweb/studies/{studyInstanceUid}. */
  dicom: { seriesCount: number; instanceCount: number; modalities: string[] } | null;
}
