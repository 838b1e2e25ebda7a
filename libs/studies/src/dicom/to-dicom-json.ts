import { charsetDecoder, decodeWith, parseSpecificCharacterSet, type CharsetDecoder } from './character-set.js';
import { personNameJson } from './dicom-json.js';
import type { DicomElement } from './dicom-reader.js';
import type { DicomJsonAttribute, DicomJsonDataset } from './parsed-instance.js';

/** Binary values above this size are bulk data: listed without a value (the hub serves no bulk data URIs yet). */
export const BULK_DATA_THRESHOLD = 1024;

const BINARY_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);
const CHARSET_VRS = new Set(['SH', 'LO', 'UC', 'ST', 'LT', 'UT', 'PN']);
const SINGLE_VALUED_TEXT = new Set(['LT', 'ST', 'UT', 'UR']);
const NUMBER_VRS: Record<string, { size: number; read: (v: DataView, at: number, le: boolean) => number | string }> = {
  US: { size: 2, read: (v, at, le) => v.getUint16(at, le) },
  SS: { size: 2, read: (v, at, le) => v.getInt16(at, le) },
  UL: { size: 4, read: (v, at, le) => v.getUint32(at, le) },
  SL: { size: 4, read: (v, at, le) => v.getInt32(at, le) },
  FL: { size: 4, read: (v, at, le) => v.getFloat32(at, le) },
  FD: { size: 8, read: (v, at, le) => v.getFloat64(at, le) },
  SV: { size: 8, read: (v, at, le) => safeBigInt(v.getBigInt64(at, le)) },
  UV: { size: 8, read: (v, at, le) => safeBigInt(v.getBigUint64(at, le)) },
  AT: {
    size: 4,
    read: (v, at, le) =>
      ((v.getUint16(at, le) << 16) | v.getUint16(at + 2, le)).toString(16).toUpperCase().padStart(8, '0'),
  },
};
const IS_PATTERN = /^[+-]?\d{1,12}$/;
const DS_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** Bytes per word, swapped to little endian for InlineBinary. */
const WORD_SIZE: Record<string, number> = { OW: 2, OF: 4, OL: 4, OD: 8, OV: 8 };

// 64-bit integers beyond 2^53 would lose digits as JSON numbers.
function safeBigInt(value: bigint): number | string {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

export interface JsonContext {
  bytes: Uint8Array;
  view: DataView;
  littleEndian: boolean;
  charset: CharsetDecoder;
}

export function jsonContext(bytes: Uint8Array, littleEndian: boolean, charset: CharsetDecoder): JsonContext {
  return { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), littleEndian, charset };
}

export const jsonKey = (tag: number) => tag.toString(16).toUpperCase().padStart(8, '0');

/** The character set a data set declares, else the one it inherits (items may override, PS3.5 6.1.2.3). */
export function charsetOf(elements: readonly DicomElement[], ctx: JsonContext): CharsetDecoder {
  const element = elements.find((e) => e.tag === 0x00080005);
  if (!element) return ctx.charset;
  const raw = decodeWith('latin1', ctx.bytes.subarray(element.offset, element.offset + element.length));
  return charsetDecoder(parseSpecificCharacterSet(raw.replace(/[\0 ]+$/, '')));
}

/** DICOM JSON (PS3.18 F.2) of a data set: group lengths and File Meta Information (group 0002) are left out. */
export function toDicomJson(elements: readonly DicomElement[], ctx: JsonContext): DicomJsonDataset {
  const local = { ...ctx, charset: charsetOf(elements, ctx) };
  const out: DicomJsonDataset = {};
  for (const element of elements) {
    if ((element.tag & 0xffff) === 0 || element.tag >>> 16 === 0x0002) continue;
    out[jsonKey(element.tag)] = attributeOf(element, local);
  }
  return out;
}

function attributeOf(element: DicomElement, ctx: JsonContext): DicomJsonAttribute {
  const { vr } = element;
  if (element.items) {
    const itemCtx = element.implicitLittleEndian ? { ...ctx, littleEndian: true } : ctx;
    const items = element.items.map((item) => toDicomJson(item, itemCtx));
    return items.length > 0 ? { vr: vr === 'UN' ? 'SQ' : vr, Value: items } : { vr: 'SQ' };
  }
  if (element.length === 0 && !element.undefinedLength) return { vr };
  if (BINARY_VRS.has(vr)) return binary(element, ctx);
  const bytes = ctx.bytes.subarray(element.offset, element.offset + element.length);
  const numeric = NUMBER_VRS[vr];
  if (numeric) {
    const values: (number | string)[] = [];
    for (let at = 0; at + numeric.size <= bytes.length; at += numeric.size) {
      values.push(numeric.read(ctx.view, element.offset + at, ctx.littleEndian));
    }
    return values.length > 0 ? { vr, Value: values } : { vr };
  }
  const values = textValues(bytes, vr, ctx.charset);
  return values.some((value) => value !== null) ? { vr, Value: values } : { vr };
}

function binary(element: DicomElement, ctx: JsonContext): DicomJsonAttribute {
  if (element.undefinedLength || element.length > BULK_DATA_THRESHOLD) return { vr: element.vr };
  const bytes = Buffer.from(ctx.bytes.subarray(element.offset, element.offset + element.length));
  const word = WORD_SIZE[element.vr];
  if (!ctx.littleEndian && word) {
    for (let at = 0; at + word <= bytes.length; at += word) bytes.subarray(at, at + word).reverse();
  }
  return { vr: element.vr, InlineBinary: bytes.toString('base64') };
}

function textValues(bytes: Uint8Array, vr: string, charset: CharsetDecoder): unknown[] {
  // DICOM text never holds NUL but as padding, and PostgreSQL can store it in no text or JSON value: drop it anywhere.
  const decoded = (CHARSET_VRS.has(vr) ? charset.decode(bytes, vr) : decodeWith('latin1', bytes)).replaceAll('\0', '');
  const raw = SINGLE_VALUED_TEXT.has(vr) ? [decoded] : decoded.split('\\');
  return raw.map((value) => {
    if (SINGLE_VALUED_TEXT.has(vr)) {
      const trimmed = value.replace(/[\0 ]+$/, '');
      return trimmed === '' ? null : trimmed;
    }
    const trimmed = value.replace(/^[\0 ]+|[\0 ]+$/g, '');
    if (trimmed === '') return null;
    if (vr === 'PN') return personNameJson(trimmed);
    if (vr === 'IS') return IS_PATTERN.test(trimmed) ? Number(trimmed) : null;
    if (vr === 'DS') return DS_PATTERN.test(trimmed) ? Number(trimmed) : null;
    return trimmed;
  });
}
