/** The hub's DICOM implementation: a UUID-derived UID (PS3.5 B.2), so it needs no registered root. */
export const IMPLEMENTATION_CLASS_UID = '2.25.80360595858093733449749809667084106056';
export const IMPLEMENTATION_VERSION_NAME = 'CDHUB_0_1';

export interface Part10Identity {
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  /** The calling AE title of the modality that sent it (0002,0016). */
  sourceAeTitle: string;
}

/** One explicit-VR little-endian element of the file meta group, value padded to an even length. */
function element(tagElement: number, vr: 'OB' | 'UI' | 'SH' | 'AE', value: Buffer | string): Buffer {
  let bytes = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
  if (bytes.length % 2 === 1) bytes = Buffer.concat([bytes, Buffer.from([vr === 'UI' ? 0x00 : 0x20])]);
  const long = vr === 'OB';
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(0x0002, 0);
  head.writeUInt16LE(tagElement, 2);
  head.write(vr, 4, 'latin1');
  if (long) head.writeUInt32LE(bytes.length, 8);
  else head.writeUInt16LE(bytes.length, 6);
  return Buffer.concat([head, bytes]);
}

/**
 * The 128-byte preamble, "DICM" and the file meta information (PS3.10 §7.1) for a data set received over DIMSE, which
 * arrives without them: with this in front, the data set's bytes, unchanged, make the Part 10 file the ingest path
 * reads and WADO-RS later returns.
 */
export function part10Header(id: Part10Identity): Buffer {
  const body = Buffer.concat([
    element(0x0001, 'OB', Buffer.from([0x00, 0x01])),
    element(0x0002, 'UI', id.sopClassUid),
    element(0x0003, 'UI', id.sopInstanceUid),
    element(0x0010, 'UI', id.transferSyntaxUid),
    element(0x0012, 'UI', IMPLEMENTATION_CLASS_UID),
    element(0x0013, 'SH', IMPLEMENTATION_VERSION_NAME),
    element(0x0016, 'AE', id.sourceAeTitle),
  ]);
  const groupLength = Buffer.alloc(12);
  groupLength.writeUInt16LE(0x0002, 0);
  groupLength.writeUInt16LE(0x0000, 2);
  groupLength.write('UL', 4, 'latin1');
  groupLength.writeUInt16LE(4, 6);
  groupLength.writeUInt32LE(body.length, 8);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), groupLength, body]);
}
