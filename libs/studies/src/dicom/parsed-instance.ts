import type { Discipline } from '@hub/core';

/** DICOM JSON model (PS3.18 F.2): tag "GGGGEEEE" → { vr, Value?, BulkDataURI?, InlineBinary? }. */
export interface DicomJsonAttribute {
  vr: string;
  Value?: unknown[];
  BulkDataURI?: string;
  InlineBinary?: string;
}
export type DicomJsonDataset = Record<string, DicomJsonAttribute>;

/** What ingest needs from one instance's header; strings are already decoded with its SpecificCharacterSet. */
export interface ParsedInstance {
  sopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  transferSyntaxUid: string;
  discipline: Discipline;
  patient: {
    id: string | null;
    issuer: string | null;
    /** The PN value as written (components joined by '^'; ideographic groups after '='). */
    name: string | null;
    sex: 'M' | 'F' | 'O' | null;
    birthDate: string | null; // YYYY-MM-DD
  };
  study: {
    date: string | null; // YYYY-MM-DD
    time: string | null; // HHMMSS(.ffffff) as in DICOM
    accessionNumber: string | null;
    description: string | null;
    studyId: string | null;
    referringPhysicianName: string | null;
  };
  series: {
    modality: string | null;
    number: number | null;
    description: string | null;
    bodyPart: string | null;
  };
  instance: {
    number: number | null;
    numberOfFrames: number | null;
    rows: number | null;
    columns: number | null;
  };
  specificCharacterSet: string | null;
  /** The header as DICOM JSON, without bulk data (Pixel Data, waveform data, other OB/OW/OF… values over 1 KiB). */
  metadata: DicomJsonDataset;
}

/** PS3.18 / PS3.4 failure reasons the hub uses in a STOW-RS FailedSOPSequence. */
export const FailureReason = {
  /** Refused: out of resources (includes: instance over the size limit). */
  OutOfResources: 0xa700,
  /** Error: data set does not match SOP class (required attributes missing or wrong). */
  DataSetDoesNotMatchSopClass: 0xa900,
  /** Error: cannot understand (not DICOM, truncated, malformed). */
  CannotUnderstand: 0xc000,
  /** Processing failure. */
  ProcessingFailure: 0x0110,
  /** Duplicate SOP instance: the UID is stored with different content. */
  DuplicateSopInstance: 0x0111,
  /** Refused: not authorized (e.g. the study belongs to another institution). */
  NotAuthorized: 0x0124,
  /** SOP Instance UID of the request path does not match (StudyInstanceUID mismatch). */
  StudyInstanceUidMismatch: 0xa900,
} as const;

/** An instance the hub will not store, with the reason code for FailedSOPSequence and words for a person. */
export class DicomRejection extends Error {
  constructor(
    readonly reason: number,
    message: string,
    /** Whatever UIDs could be read before the problem, for the FailedSOPSequence item. */
    readonly uids: { sopClassUid?: string; sopInstanceUid?: string } = {},
  ) {
    super(message);
    this.name = 'DicomRejection';
  }
}
