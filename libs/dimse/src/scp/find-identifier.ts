import dcmjs from 'dcmjs';

/** A data set as dcmjs "naturalizes" it: keyword → value. */
export type NaturalDataset = Record<string, unknown>;
type DicomJson = Record<string, { vr: string; Value?: unknown[] }>;

/** Study-level keys the hub can match on, as QIDO-RS takes them (the same search serves both). */
const MATCHING_KEYS = [
  'PatientID',
  'PatientName',
  'StudyDate',
  'AccessionNumber',
  'StudyInstanceUID',
  'ModalitiesInStudy',
  'ReferringPhysicianName',
  'StudyDescription',
] as const;

/** Not matching keys: they describe the query or the answer's encoding. */
const NOT_ATTRIBUTES = new Set(['QueryRetrieveLevel', 'SpecificCharacterSet', '_vrMap']);

export interface StudyFind {
  level: string;
  /** Matching keys with a value, in QIDO-RS form ("YYYYMMDD-YYYYMMDD", wildcards, UIDs joined with '\\'). */
  matching: Record<string, string>;
  /** Every attribute the caller asked for: the answer carries exactly these. */
  returnKeys: string[];
}

/** One value as text: PN in any of dcmjs' shapes, lists joined with '\\' (DICOM's value separator). */
function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(asText).filter(Boolean).join('\\');
  if (typeof value === 'object') return String((value as { Alphabetic?: unknown }).Alphabetic ?? '');
  return String(value).trim();
}

/**
 * Reads a C-FIND identifier (PS3.4 C.4.1): attributes with a value are matching keys, empty ones are return keys
 * (all are returned). A value of '*' matches everything, so it is no condition. Matching on attributes the hub cannot
 * match on is universal matching, which PS3.4 C.2.2.2 allows for optional keys.
 */
export function readStudyFind(identifier: NaturalDataset): StudyFind {
  const level = asText(identifier.QueryRetrieveLevel).toUpperCase();
  const matching: Record<string, string> = {};
  for (const key of MATCHING_KEYS) {
    const text = asText(identifier[key]);
    if (text === '' || text === '*') continue;
    // QIDO takes one modality; a list is rare from a modality and matched on its first entry.
    matching[key] = key === 'ModalitiesInStudy' ? text.split('\\')[0]! : text;
  }
  const returnKeys = Object.keys(identifier).filter((k) => !NOT_ATTRIBUTES.has(k));
  return { level, matching, returnKeys };
}

/** One pending C-FIND response's identifier: the study's DICOM JSON cut to the keys asked for, in UTF-8. */
export function studyFindAnswer(study: DicomJson, returnKeys: readonly string[]): NaturalDataset {
  const natural = dcmjs.data.DicomMetaDictionary.naturalizeDataset(study) as NaturalDataset;
  const answer: NaturalDataset = { SpecificCharacterSet: 'ISO_IR 192', QueryRetrieveLevel: 'STUDY' };
  for (const key of returnKeys) answer[key] = natural[key] ?? '';
  return answer;
}
