import type { DicomJsonAttribute, DicomJsonDataset } from './parsed-instance.js';

/** Tags (PS3.6) the hub reads or writes in DICOM JSON, as DICOM JSON keys. */
export const TAGS = {
  SpecificCharacterSet: '00080005',
  ImageType: '00080008',
  SOPClassUID: '00080016',
  SOPInstanceUID: '00080018',
  StudyDate: '00080020',
  SeriesDate: '00080021',
  StudyTime: '00080030',
  SeriesTime: '00080031',
  AccessionNumber: '00080050',
  RetrieveAETitle: '00080054',
  InstanceAvailability: '00080056',
  Modality: '00080060',
  ModalitiesInStudy: '00080061',
  TimezoneOffsetFromUTC: '00080201',
  ReferringPhysicianName: '00080090',
  InstitutionName: '00080080',
  StudyDescription: '00081030',
  SeriesDescription: '0008103E',
  ReferencedSOPClassUID: '00081150',
  ReferencedSOPInstanceUID: '00081155',
  RetrieveURL: '00081190',
  WarningReason: '00081196',
  FailureReason: '00081197',
  FailedSOPSequence: '00081198',
  ReferencedSOPSequence: '00081199',
  OtherFailuresSequence: '0008119A',
  PatientName: '00100010',
  PatientID: '00100020',
  IssuerOfPatientID: '00100021',
  PatientBirthDate: '00100030',
  PatientSex: '00100040',
  BodyPartExamined: '00180015',
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  StudyID: '00200010',
  SeriesNumber: '00200011',
  InstanceNumber: '00200013',
  NumberOfStudyRelatedSeries: '00201206',
  NumberOfStudyRelatedInstances: '00201208',
  NumberOfSeriesRelatedInstances: '00201209',
  NumberOfFrames: '00280008',
  Rows: '00280010',
  Columns: '00280011',
  TransferSyntaxUID: '00020010',
  PixelData: '7FE00010',
} as const;
export type TagName = keyof typeof TAGS;

/** PN in DICOM JSON (PS3.18 F.2.2): one string per component group. */
export interface PersonNameJson {
  Alphabetic?: string;
  Ideographic?: string;
  Phonetic?: string;
}

type Maybe<T> = T | null | undefined;

/** An attribute with no values is still sent, with its VR only: that is how DICOM JSON says "empty". */
function attribute(tag: string, vr: string, values: readonly unknown[]): DicomJsonDataset {
  const present = values.filter((value) => value !== undefined);
  const attr: DicomJsonAttribute = present.some((value) => value !== null) ? { vr, Value: present } : { vr };
  return { [tag]: attr };
}

const text =
  (vr: string) =>
  (tag: string, ...values: Maybe<string>[]) =>
    attribute(
      tag,
      vr,
      values.map((value) => (value === '' ? null : value)),
    );

export const ui = text('UI');
export const cs = text('CS');
export const lo = text('LO');
export const sh = text('SH');
export const ae = text('AE');
export const ur = (tag: string, url: Maybe<string>) => text('UR')(tag, url);

const integers =
  (vr: string) =>
  (tag: string, ...values: Maybe<number>[]) =>
    attribute(
      tag,
      vr,
      values.map((value) => (value === null || value === undefined || !Number.isFinite(value) ? null : value)),
    );

export const us = integers('US');
export const ul = integers('UL');
export const is = integers('IS');

/** Accepts DICOM DA (YYYYMMDD) or ISO (YYYY-MM-DD). */
export const da = (tag: string, ...dates: Maybe<string>[]) =>
  text('DA')(tag, ...dates.map((d) => d?.replaceAll('-', '')));

/** Accepts DICOM TM (HHMMSS.ffffff) or HH:MM:SS. */
export const tm = (tag: string, ...times: Maybe<string>[]) =>
  text('TM')(tag, ...times.map((t) => t?.replaceAll(':', '')));

/** Accepts PN as written ("Alphabetic=Ideographic=Phonetic") or already split into groups. */
export const pn = (tag: string, ...names: Maybe<string | PersonNameJson>[]) =>
  attribute(
    tag,
    'PN',
    names.map((name) => (typeof name === 'string' ? personNameJson(name) : name)),
  );

export const sq = (tag: string, items: readonly DicomJsonDataset[]) => attribute(tag, 'SQ', items);

/** Merges attribute fragments into one data set (a later fragment wins on the same tag). */
export function dataset(...parts: DicomJsonDataset[]): DicomJsonDataset {
  return Object.assign({}, ...parts) as DicomJsonDataset;
}

/** PN string → JSON groups; empty groups and trailing empty components are dropped (PS3.5 6.2.1). */
export function personNameJson(value: string): PersonNameJson | null {
  const [alphabetic, ideographic, phonetic] = value.split('=').map(trimComponents);
  const name: PersonNameJson = {};
  if (alphabetic) name.Alphabetic = alphabetic;
  if (ideographic) name.Ideographic = ideographic;
  if (phonetic) name.Phonetic = phonetic;
  return Object.keys(name).length > 0 ? name : null;
}

/** JSON groups → PN as written, components joined by '^' and groups by '='. */
export function personNameString(name: PersonNameJson): string {
  return [name.Alphabetic ?? '', name.Ideographic ?? '', name.Phonetic ?? ''].join('=').replace(/=+$/, '');
}

const trimComponents = (group: string) => group.trim().replace(/[\^ ]+$/, '');

/** First value of an attribute, or null when it is absent or empty. */
export function firstValue(ds: DicomJsonDataset, tag: string): unknown {
  return ds[tag]?.Value?.[0] ?? null;
}

export function firstString(ds: DicomJsonDataset, tag: string): string | null {
  const value = firstValue(ds, tag);
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number') return String(value);
  if (value !== null && typeof value === 'object') return personNameString(value as PersonNameJson) || null;
  return null;
}

export function firstNumber(ds: DicomJsonDataset, tag: string): number | null {
  const value = firstValue(ds, tag);
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
