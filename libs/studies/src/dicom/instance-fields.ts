import { classifyDiscipline } from './discipline.js';
import { firstNumber, firstString, TAGS } from './dicom-json.js';
import type { DicomJsonDataset, ParsedInstance } from './parsed-instance.js';

const UID_PATTERN = /^[0-9]+(\.[0-9]+)*$/;

/** UI syntax (PS3.5 9.1) as the hub enforces it: digits and dots, at most 64 characters. */
export function isValidUid(uid: string): boolean {
  return uid.length <= 64 && UID_PATTERN.test(uid);
}

const REQUIRED_UIDS = [
  { key: 'sopClassUid', tag: TAGS.SOPClassUID, label: 'SOP Class UID (0008,0016)' },
  { key: 'sopInstanceUid', tag: TAGS.SOPInstanceUID, label: 'SOP Instance UID (0008,0018)' },
  { key: 'studyInstanceUid', tag: TAGS.StudyInstanceUID, label: 'Study Instance UID (0020,000D)' },
  { key: 'seriesInstanceUid', tag: TAGS.SeriesInstanceUID, label: 'Series Instance UID (0020,000E)' },
] as const;
type UidKey = (typeof REQUIRED_UIDS)[number]['key'];

export type InstanceFields =
  | { ok: true; instance: ParsedInstance }
  | { ok: false; message: string; uids: { sopClassUid?: string | null; sopInstanceUid?: string | null } };

/** The ParsedInstance fields, read from the header's DICOM JSON; missing or malformed UIDs make it unusable. */
export function instanceFields(metadata: DicomJsonDataset, transferSyntaxUid: string): InstanceFields {
  const str = (tag: string) => firstString(metadata, tag);
  const num = (tag: string) => firstNumber(metadata, tag);
  const uids = {} as Record<UidKey, string>;
  const problems: string[] = [];
  for (const { key, tag, label } of REQUIRED_UIDS) {
    const uid = str(tag);
    if (!uid) problems.push(`${label} is missing`);
    else if (!isValidUid(uid)) problems.push(`${label} "${uid}" is not a valid UID (digits and dots, at most 64)`);
    else uids[key] = uid;
  }
  if (problems.length > 0) {
    return {
      ok: false,
      message: `The instance cannot be stored: ${problems.join('; ')}.`,
      uids: { sopClassUid: str(TAGS.SOPClassUID), sopInstanceUid: str(TAGS.SOPInstanceUID) },
    };
  }
  const modality = str(TAGS.Modality);
  const charset = metadata[TAGS.SpecificCharacterSet]?.Value;
  return {
    ok: true,
    instance: {
      ...uids,
      transferSyntaxUid,
      discipline: classifyDiscipline(uids.sopClassUid, modality),
      patient: {
        id: str(TAGS.PatientID),
        issuer: str(TAGS.IssuerOfPatientID),
        name: str(TAGS.PatientName),
        sex: sex(str(TAGS.PatientSex)),
        birthDate: isoDate(str(TAGS.PatientBirthDate)),
      },
      study: {
        date: isoDate(str(TAGS.StudyDate)),
        time: dicomTime(str(TAGS.StudyTime)),
        accessionNumber: str(TAGS.AccessionNumber),
        description: str(TAGS.StudyDescription),
        studyId: str(TAGS.StudyID),
        referringPhysicianName: str(TAGS.ReferringPhysicianName),
      },
      series: {
        modality,
        number: num(TAGS.SeriesNumber),
        description: str(TAGS.SeriesDescription),
        bodyPart: str(TAGS.BodyPartExamined),
      },
      instance: {
        number: num(TAGS.InstanceNumber),
        numberOfFrames: num(TAGS.NumberOfFrames),
        rows: num(TAGS.Rows),
        columns: num(TAGS.Columns),
      },
      specificCharacterSet: charset ? charset.map((term) => term ?? '').join('\\') : null,
      metadata,
    },
  };
}

function sex(value: string | null): 'M' | 'F' | 'O' | null {
  const normalized = value?.trim().toUpperCase();
  return normalized === 'M' || normalized === 'F' || normalized === 'O' ? normalized : null;
}

/** DA (YYYYMMDD, or ACR-NEMA's YYYY.MM.DD) → YYYY-MM-DD when it is a real calendar date. */
export function isoDate(value: string | null): string | null {
  const match = value ? /^(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(value.trim()) : null;
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real && year >= 1000 ? `${match[1]}-${match[2]}-${match[3]}` : null;
}

/** TM (HH[MM[SS[.ffffff]]], or ACR-NEMA's HH:MM:SS) → the DICOM form, or null when it is no time of day. */
export function dicomTime(value: string | null): string | null {
  const match = value ? /^(\d{2})(?::?(\d{2})(?::?(\d{2})(\.\d{1,6})?)?)?$/.exec(value.trim()) : null;
  if (!match) return null;
  const [hours, minutes = '00', seconds = '00'] = match.slice(1, 4);
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 60) return null;
  return match.input.replaceAll(':', '');
}
