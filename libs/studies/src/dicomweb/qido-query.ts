import { DomainError } from '@hub/core';
import { isValidUid } from '../dicom/instance-fields.js';
import { toTag } from './dicom-keywords.js';

export type QidoLevel = 'study' | 'series' | 'instance';

export interface DateRange {
  from?: string; // YYYY-MM-DD, inclusive
  to?: string;
}

/** Matching keys the hub supports (PS3.18 §10.6.1.2), by level; values as they arrive, already checked. */
export interface QidoQuery {
  patientId?: string;
  /** A pattern with DICOM wildcards turned into an SQL LIKE pattern. */
  patientNameLike?: string;
  studyDate?: DateRange;
  accessionNumber?: string;
  studyInstanceUids?: string[];
  modality?: string;
  referringPhysicianNameLike?: string;
  studyDescriptionLike?: string;
  seriesInstanceUids?: string[];
  seriesNumber?: number;
  sopClassUids?: string[];
  sopInstanceUids?: string[];
  instanceNumber?: number;
  limit: number;
  offset: number;
  /** Tags to add from the stored headers; 'all' for every attribute of the level. */
  includeFields: string[] | 'all';
}

export const QIDO_MAX_LIMIT = 1000;
export const QIDO_DEFAULT_LIMIT = 100;

const KEYS = {
  PatientID: '00100020',
  PatientName: '00100010',
  StudyDate: '00080020',
  AccessionNumber: '00080050',
  StudyInstanceUID: '0020000D',
  ModalitiesInStudy: '00080061',
  Modality: '00080060',
  ReferringPhysicianName: '00080090',
  StudyDescription: '00081030',
  SeriesInstanceUID: '0020000E',
  SeriesNumber: '00200011',
  SOPClassUID: '00080016',
  SOPInstanceUID: '00080018',
  InstanceNumber: '00200013',
} as const;

const CONTROL_PARAMS = new Set(['limit', 'offset', 'includefield', 'fuzzymatching']);

/** DICOM wildcards (* any run, ? one character) as an SQL LIKE pattern with LIKE's own characters escaped. */
export function wildcardToLike(value: string): string {
  return value
    .replace(/[\\%_]/g, (c) => `\\${c}`)
    .replace(/\*/g, '%')
    .replace(/\?/g, '_');
}

/** "20240101", "20240101-20240131", "-20240131", "20240101-" → an inclusive range of ISO dates. */
export function parseDateRange(value: string): DateRange {
  const m = /^(\d{8})?(-)?(\d{8})?$/.exec(value);
  if (!m || (!m[1] && !m[3]))
    throw new DomainError('invalid', `StudyDate '${value}' must be YYYYMMDD or a range YYYYMMDD-YYYYMMDD`);
  const iso = (d: string | undefined) => (d ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : undefined);
  for (const d of [m[1], m[3]]) {
    if (d && Number.isNaN(Date.parse(iso(d)!)))
      throw new DomainError('invalid', `StudyDate '${value}' is not a real date`);
  }
  if (!m[2]) return { from: iso(m[1]), to: iso(m[1]) };
  return { from: iso(m[1]), to: iso(m[3]) };
}

const uidList = (name: string, value: string): string[] => {
  const uids = value.split(/[\\,]/).filter(Boolean);
  for (const uid of uids) if (!isValidUid(uid)) throw new DomainError('invalid', `${name} '${uid}' is not a UID`);
  return uids;
};

const integer = (name: string, value: string, min: number, max: number): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new DomainError('invalid', `${name} must be a whole number from ${min} to ${max}`);
  return n;
};

/** Parses a QIDO-RS query string; unknown attributes are refused with a message, so a typo is not silently ignored. */
export function parseQidoQuery(raw: Record<string, unknown>): QidoQuery {
  const query: QidoQuery = { limit: QIDO_DEFAULT_LIMIT, offset: 0, includeFields: [] };
  for (const [key, rawValue] of Object.entries(raw)) {
    const values = (Array.isArray(rawValue) ? rawValue : [rawValue]).map(String);
    if (key === 'includefield') {
      const fields = values.flatMap((v) => v.split(','));
      if (fields.includes('all')) query.includeFields = 'all';
      else {
        query.includeFields = fields.map((f) => {
          const tag = toTag(f);
          if (!tag) throw new DomainError('invalid', `includefield '${f}' is not a DICOM keyword or tag`);
          return tag;
        });
      }
      continue;
    }
    const value = values[values.length - 1]!;
    if (key === 'limit') query.limit = integer('limit', value, 1, QIDO_MAX_LIMIT);
    else if (key === 'offset') query.offset = integer('offset', value, 0, 1_000_000);
    else if (CONTROL_PARAMS.has(key)) continue;
    else applyMatchingKey(query, key, value);
  }
  return query;
}

function applyMatchingKey(query: QidoQuery, key: string, value: string): void {
  const tag = toTag(key);
  if (value.length > 256) throw new DomainError('invalid', `The value of ${key} is too long`);
  switch (tag) {
    case KEYS.PatientID:
      query.patientId = value;
      return;
    case KEYS.PatientName:
      query.patientNameLike = wildcardToLike(value);
      return;
    case KEYS.StudyDate:
      query.studyDate = parseDateRange(value);
      return;
    case KEYS.AccessionNumber:
      query.accessionNumber = value;
      return;
    case KEYS.StudyInstanceUID:
      query.studyInstanceUids = uidList(key, value);
      return;
    case KEYS.ModalitiesInStudy:
    case KEYS.Modality:
      query.modality = value;
      return;
    case KEYS.ReferringPhysicianName:
      query.referringPhysicianNameLike = wildcardToLike(value);
      return;
    case KEYS.StudyDescription:
      query.studyDescriptionLike = wildcardToLike(value);
      return;
    case KEYS.SeriesInstanceUID:
      query.seriesInstanceUids = uidList(key, value);
      return;
    case KEYS.SeriesNumber:
      query.seriesNumber = integer(key, value, 0, 2 ** 31 - 1);
      return;
    case KEYS.SOPClassUID:
      query.sopClassUids = uidList(key, value);
      return;
    case KEYS.SOPInstanceUID:
      query.sopInstanceUids = uidList(key, value);
      return;
    case KEYS.InstanceNumber:
      query.instanceNumber = integer(key, value, 0, 2 ** 31 - 1);
      return;
    default:
      throw new DomainError(
        'invalid',
        `'${key}' is not a matching key the hub supports; see docs/dicomweb-conformance.md for the list`,
      );
  }
}
