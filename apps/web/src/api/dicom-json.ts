import type { DicomJsonDataset, PersonNameValue } from './types';

export const TAG = {
  StudyDate: '00080020',
  StudyTime: '00080030',
  AccessionNumber: '00080050',
  ModalitiesInStudy: '00080061',
  ReferringPhysicianName: '00080090',
  StudyDescription: '00081030',
  RetrieveURL: '00081190',
  FailedSOPSequence: '00081198',
  ReferencedSOPSequence: '00081199',
  ReferencedSOPClassUID: '00081150',
  ReferencedSOPInstanceUID: '00081155',
  FailureReason: '00081197',
  ErrorComment: '00000902',
  PatientName: '00100010',
  PatientID: '00100020',
  PatientBirthDate: '00100030',
  PatientSex: '00100040',
  StudyInstanceUID: '0020000D',
  StudyID: '00200010',
  NumberOfStudyRelatedSeries: '00201206',
  NumberOfStudyRelatedInstances: '00201208',
} as const;

export function values(ds: DicomJsonDataset, tag: string): unknown[] {
  return ds[tag]?.Value ?? [];
}

export function str(ds: DicomJsonDataset, tag: string): string | null {
  const v = values(ds, tag)[0];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

export function num(ds: DicomJsonDataset, tag: string): number | null {
  const v = values(ds, tag)[0];
  return typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : null;
}

export function personName(ds: DicomJsonDataset, tag: string): PersonNameValue | null {
  const v = values(ds, tag)[0];
  return typeof v === 'object' && v !== null ? (v as PersonNameValue) : null;
}

/** Ideographic (e.g. 张三) first, as Chinese sites fill it, then Alphabetic. */
export function displayName(pn: PersonNameValue | null): string | null {
  return pn?.Ideographic ?? pn?.Alphabetic ?? pn?.Phonetic ?? null;
}

/** One QIDO-RS study result, flattened for tables. It has no hub study id: requests can name studyInstanceUid. */
export interface QidoStudy {
  studyInstanceUid: string;
  studyDate: string | null;
  studyTime: string | null;
  accessionNumber: string | null;
  description: string | null;
  modalities: string[];
  referringPhysicianName: string | null;
  patientName: string | null;
  /** The clinic's local patient id (PatientID). */
  patientLocalId: string | null;
  patientBirthDate: string | null;
  patientSex: string | null;
  studyId: string | null;
  seriesCount: number | null;
  instanceCount: number | null;
  retrieveUrl: string | null;
}

export function toQidoStudy(ds: DicomJsonDataset): QidoStudy {
  return {
    studyInstanceUid: str(ds, TAG.StudyInstanceUID) ?? '',
    studyDate: str(ds, TAG.StudyDate),
    studyTime: str(ds, TAG.StudyTime),
    accessionNumber: str(ds, TAG.AccessionNumber),
    description: str(ds, TAG.StudyDescription),
    modalities: values(ds, TAG.ModalitiesInStudy).filter((m): m is string => typeof m === 'string'),
    referringPhysicianName: displayName(personName(ds, TAG.ReferringPhysicianName)),
    patientName: displayName(personName(ds, TAG.PatientName)),
    patientLocalId: str(ds, TAG.PatientID),
    patientBirthDate: str(ds, TAG.PatientBirthDate),
    patientSex: str(ds, TAG.PatientSex),
    studyId: str(ds, TAG.StudyID),
    seriesCount: num(ds, TAG.NumberOfStudyRelatedSeries),
    instanceCount: num(ds, TAG.NumberOfStudyRelatedInstances),
    retrieveUrl: str(ds, TAG.RetrieveURL),
  };
}

export interface StowInstance {
  sopClassUid: string | null;
  sopInstanceUid: string | null;
  retrieveUrl: string | null;
}

export interface StowFailure {
  sopClassUid: string | null;
  sopInstanceUid: string | null;
  /** PS3.18 failure reason, e.g. 0xA700 out of resources / too large, 0xA900 mismatch, 0xC000 cannot understand. */
  reason: number | null;
  /** The hub's readable explanation (ErrorComment). */
  message: string | null;
}

const items = (ds: DicomJsonDataset, tag: string): DicomJsonDataset[] =>
  values(ds, tag).filter((v): v is DicomJsonDataset => typeof v === 'object' && v !== null);

export function stowStored(ds: DicomJsonDataset): StowInstance[] {
  return items(ds, TAG.ReferencedSOPSequence).map((i) => ({
    sopClassUid: str(i, TAG.ReferencedSOPClassUID),
    sopInstanceUid: str(i, TAG.ReferencedSOPInstanceUID),
    retrieveUrl: str(i, TAG.RetrieveURL),
  }));
}

/** A 202 (some stored) or 409 (none stored) STOW-RS answer lists what failed and why. */
export function stowFailures(ds: DicomJsonDataset): StowFailure[] {
  return items(ds, TAG.FailedSOPSequence).map((i) => ({
    sopClassUid: str(i, TAG.ReferencedSOPClassUID),
    sopInstanceUid: str(i, TAG.ReferencedSOPInstanceUID),
    reason: num(i, TAG.FailureReason),
    message: str(i, TAG.ErrorComment),
  }));
}
