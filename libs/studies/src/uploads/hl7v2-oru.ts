import { TextDecoder } from 'node:util';
import { DomainError } from '@hub/core';
import { isAbnormalFlag, type LabValue } from './lab-value.js';

export interface OruMessage {
  /** PID-3's first identifier: the patient's id at the sending institution. */
  patientLocalId: string | null;
  results: LabValue[];
}

/** The biggest HL7 v2 lab message the hub parses; lab messages are a few kilobytes. */
export const MAX_HL7_BYTES = 4 * 1024 * 1024;

const invalid = (message: string) => new DomainError('unprocessable', `HL7 v2 message: ${message}`);

interface Delimiters {
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subcomponent: string;
}

/** MSH-18 character set names (HL7 table 0211) mapped to what TextDecoder knows. */
function decoderFor(charset: string): TextDecoder {
  const name = charset.trim().toUpperCase();
  if (name === '' || name === 'ASCII' || name === 'UNICODE UTF-8') return new TextDecoder('utf-8', { fatal: true });
  if (name.startsWith('GB') && name.includes('18030')) return new TextDecoder('gb18030', { fatal: true });
  if (name === '8859/1') return new TextDecoder('latin1');
  throw invalid(`character set '${charset}' (MSH-18) is not supported; use UNICODE UTF-8 or GB 18030-2000`);
}

/** MSH-18 read from the raw bytes: the segment's delimiters and fields are ASCII in every character set. */
function declaredCharset(bytes: Buffer): string {
  const end = bytes.findIndex((b) => b === 0x0d || b === 0x0a);
  const msh = bytes.subarray(0, end < 0 ? bytes.length : end).toString('latin1');
  return msh.split(msh[3] ?? '|')[17] ?? '';
}

function unescape(text: string, d: Delimiters): string {
  if (!text.includes(d.escape)) return text;
  const e = d.escape.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`${e}([FSTRE]|X[0-9A-Fa-f]+|\\.br)${e}`, 'g'), (_m, code: string) => {
    switch (code) {
      case 'F':
        return d.field;
      case 'S':
        return d.component;
      case 'T':
        return d.subcomponent;
      case 'R':
        return d.repetition;
      case 'E':
        return d.escape;
      case '.br':
        return '\n';
      default:
        return Buffer.from(code.slice(1), 'hex').toString('latin1');
    }
  });
}

/** HL7 DTM (YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ]); without a zone it is China Standard Time (+08:00). */
export function parseHl7DateTime(value: string): Date | null {
  const m = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.\d+)?([+-]\d{4})?$/.exec(value.trim());
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', zone = '+0800'] = m;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${zone.slice(0, 3)}:${zone.slice(3)}`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Statuses of results that stand (OBX-11): final, corrected, preliminary, results entered; not deleted or wrong. */
const STANDING_STATUSES = new Set(['', 'F', 'C', 'P', 'R', 'S', 'A', 'U']);

/**
 * Lab values from an HL7 v2 ORU^R01 message (observation results from a clinic's LIS). One OBX segment, one value;
 * OBX-3 names the item (LOINC when its coding system is "LN"), OBX-5 the value, OBX-6 unit, OBX-7 reference range,
 * OBX-8 abnormal flag, OBX-14 (or the OBR-7 observation time) when it was observed.
 */
export function parseOruR01(bytes: Buffer): OruMessage {
  if (bytes.length > MAX_HL7_BYTES) throw new DomainError('too_large', `HL7 v2 message over ${MAX_HL7_BYTES} bytes`);
  let text: string;
  try {
    text = decoderFor(declaredCharset(bytes))
      .decode(bytes)
      .replace(/^\uFEFF/, '');
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw invalid('its bytes do not match the character set MSH-18 declares');
  }
  const segments = text.split(/\r\n|\r|\n/).filter((s) => s.trim() !== '');
  const msh = segments[0];
  if (!msh?.startsWith('MSH') || msh.length < 8) throw invalid('it must start with an MSH segment');
  const d: Delimiters = {
    field: msh[3]!,
    component: msh[4]!,
    repetition: msh[5]!,
    escape: msh[6]!,
    subcomponent: msh[7]!,
  };
  // MSH-1 is the field separator itself, so MSH fields are off by one against the split.
  const mshFields = msh.split(d.field);
  const [type, event] = (mshFields[8] ?? '').split(d.component);
  if (type !== 'ORU' || event !== 'R01') {
    throw invalid(`message type (MSH-9) is '${type ?? ''}^${event ?? ''}', expected ORU^R01`);
  }
  let patientLocalId: string | null = null;
  let observationTime: Date | null = null;
  const results: LabValue[] = [];
  for (const segment of segments.slice(1)) {
    const fields = segment.split(d.field);
    const component = (field: number, index: number) =>
      unescape((fields[field] ?? '').split(d.repetition)[0]!.split(d.component)[index] ?? '', d).trim();
    switch (fields[0]) {
      case 'PID':
        patientLocalId ??= component(3, 0) || null;
        break;
      case 'OBR':
        observationTime = parseHl7DateTime(component(7, 0));
        break;
      case 'OBX': {
        if (!STANDING_STATUSES.has(component(11, 0))) break;
        const itemCode = component(3, 0);
        const value = unescape(fields[5] ?? '', d).trim();
        if (!itemCode) throw invalid(`OBX ${results.length + 1} has no observation identifier (OBX-3)`);
        if (!value) break;
        const flag = component(8, 0);
        results.push({
          itemCode,
          itemName: component(3, 1) || itemCode,
          loinc: component(3, 2) === 'LN' ? itemCode : component(3, 5) === 'LN' ? component(3, 3) || null : null,
          value: value.replaceAll(d.component, ' '),
          unit: component(6, 0) || null,
          referenceRange: component(7, 0) || null,
          abnormalFlag: isAbnormalFlag(flag) ? flag : null,
          observedAt: parseHl7DateTime(component(14, 0)) ?? observationTime,
        });
        break;
      }
      default:
    }
  }
  if (results.length === 0) throw invalid('it holds no OBX result segment with a value');
  return { patientLocalId, results };
}
