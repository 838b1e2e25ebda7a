import type { DicomJsonAttribute, DicomJsonDataset } from '../dicom/parsed-instance.js';
import { instanceUrl, seriesUrl, studyUrl } from './dicomweb-paths.js';
import type { QidoQuery } from './qido-query.js';
import type { InstanceSummary, SeriesSummary, StudySummary } from './study-read.repository.js';

const text = (vr: string, value: string | null | undefined): DicomJsonAttribute =>
  value === null || value === undefined || value === '' ? { vr } : { vr, Value: [value] };
const number = (vr: string, value: number | null | undefined): DicomJsonAttribute =>
  value === null || value === undefined ? { vr } : { vr, Value: [value] };
const da = (iso: string | null) => text('DA', iso ? iso.replace(/-/g, '') : null);

/** PN as stored ("Alphabetic=Ideographic=Phonetic") in the DICOM JSON object form. */
export function personName(value: string | null): DicomJsonAttribute {
  if (!value) return { vr: 'PN' };
  const [Alphabetic, Ideographic, Phonetic] = value.split('=');
  const pn: Record<string, string> = {};
  if (Alphabetic) pn.Alphabetic = Alphabetic;
  if (Ideographic) pn.Ideographic = Ideographic;
  if (Phonetic) pn.Phonetic = Phonetic;
  return { vr: 'PN', Value: [pn] };
}

/** Study, series and patient modules: attributes QIDO answers at study and series level from a sample header. */
const STUDY_LEVEL_GROUPS = /^(0008|0010|0020|0032)/;

function withIncludes(
  base: DicomJsonDataset,
  sample: DicomJsonDataset,
  include: QidoQuery['includeFields'],
  level: 'study' | 'series' | 'instance',
): DicomJsonDataset {
  if (include === 'all') {
    const extra = Object.fromEntries(
      Object.entries(sample).filter(([tag]) => level === 'instance' || STUDY_LEVEL_GROUPS.test(tag)),
    );
    return { ...extra, ...base };
  }
  const extra = Object.fromEntries(include.flatMap((tag) => (sample[tag] && !base[tag] ? [[tag, sample[tag]]] : [])));
  return { ...base, ...extra };
}

/** Sorted by tag, as PS3.18 F.2 asks of a DICOM JSON object. */
const sorted = (ds: DicomJsonDataset): DicomJsonDataset =>
  Object.fromEntries(Object.entries(ds).sort(([a], [b]) => a.localeCompare(b)));

export function studyResult(base: string, s: StudySummary, include: QidoQuery['includeFields']): DicomJsonDataset {
  return sorted(
    withIncludes(
      {
        '00080005': { vr: 'CS', Value: ['ISO_IR 192'] },
        '00080020': da(s.studyDate),
        '00080030': text('TM', s.studyTime),
        '00080050': text('SH', s.accessionNumber),
        '00080061': { vr: 'CS', ...(s.modalities.length ? { Value: s.modalities } : {}) },
        '00080090': personName(s.referringPhysicianName),
        '00081030': text('LO', s.description),
        '00081190': { vr: 'UR', Value: [studyUrl(base, s.studyInstanceUid)] },
        '00100010': personName(s.patientName),
        '00100020': text('LO', s.patientLocalId),
        '00100030': da(s.patientBirthDate),
        '00100040': text('CS', s.patientSex),
        '0020000D': { vr: 'UI', Value: [s.studyInstanceUid] },
        '00200010': text('SH', s.studyId),
        '00201206': number('IS', s.seriesCount),
        '00201208': number('IS', s.instanceCount),
      },
      s.sample,
      include,
      'study',
    ),
  );
}

export function seriesResult(base: string, s: SeriesSummary, include: QidoQuery['includeFields']): DicomJsonDataset {
  return sorted(
    withIncludes(
      {
        '00080005': { vr: 'CS', Value: ['ISO_IR 192'] },
        '00080060': text('CS', s.modality),
        '0008103E': text('LO', s.description),
        '00081190': { vr: 'UR', Value: [seriesUrl(base, s.studyInstanceUid, s.seriesInstanceUid)] },
        '00180015': text('CS', s.bodyPart),
        '0020000D': { vr: 'UI', Value: [s.studyInstanceUid] },
        '0020000E': { vr: 'UI', Value: [s.seriesInstanceUid] },
        '00200011': number('IS', s.seriesNumber),
        '00201209': number('IS', s.instanceCount),
      },
      s.sample,
      include,
      'series',
    ),
  );
}

export function instanceResult(
  base: string,
  i: InstanceSummary,
  include: QidoQuery['includeFields'],
): DicomJsonDataset {
  return sorted(
    withIncludes(
      {
        '00080005': { vr: 'CS', Value: ['ISO_IR 192'] },
        '00080016': { vr: 'UI', Value: [i.sopClassUid] },
        '00080018': { vr: 'UI', Value: [i.sopInstanceUid] },
        '00081190': { vr: 'UR', Value: [instanceUrl(base, i.studyInstanceUid, i.seriesInstanceUid, i.sopInstanceUid)] },
        '00083002': { vr: 'UI', Value: [i.transferSyntaxUid] },
        '0020000D': { vr: 'UI', Value: [i.studyInstanceUid] },
        '0020000E': { vr: 'UI', Value: [i.seriesInstanceUid] },
        '00200013': number('IS', i.instanceNumber),
        '00280008': number('IS', i.numberOfFrames),
        '00280010': number('US', i.rows),
        '00280011': number('US', i.columns),
      },
      i.metadata,
      include,
      'instance',
    ),
  );
}
