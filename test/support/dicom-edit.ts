import dicomParser from 'dicom-parser';
import { encodeElements } from '../fixtures/dicom-writer.js';

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/**
 * A copy of a real DICOM file (explicit VR little endian data set) with one top-level element spliced in at its place
 * in tag order; every other byte, pixel data included, is kept as it was.
 */
export function withElement(file: Buffer, tag: number, vr: string, value: string): Buffer {
  const dataSet = dicomParser.parseDicom(new Uint8Array(file), { untilTag: 'x7fe00010' });
  const key = `x${tag.toString(16).padStart(8, '0')}`;
  if (dataSet.elements[key]) throw new Error(`${key} is already in the file`);
  const after = Object.keys(dataSet.elements)
    .filter((k) => !k.startsWith('x0002') && k > key)
    .sort()[0];
  if (!after) throw new Error(`nothing after ${key} to insert before`);
  const next = dataSet.elements[after]!;
  const headerLength = next.vr && LONG_VRS.has(next.vr) ? 12 : 8;
  const at = next.dataOffset - headerLength;
  return Buffer.concat([file.subarray(0, at), encodeElements([{ tag, vr, value }]), file.subarray(at)]);
}
