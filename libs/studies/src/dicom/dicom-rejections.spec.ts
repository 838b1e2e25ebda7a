import { createCipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import { dicomFixture, DICOM_FIXTURES, TRUNCATED_FIXTURE } from '../../../../test/fixtures/dicom-fixtures.js';
import {
  encodeElements,
  minimalDataset,
  UIDS,
  writePart10,
  type CraftedElement,
} from '../../../../test/fixtures/dicom-writer.js';
import { parseDicomHeader, type ParseDicomHeaderOptions } from './parse-dicom-header.js';
import { DicomRejection, FailureReason } from './parsed-instance.js';

const C000 = FailureReason.CannotUnderstand;
const A700 = FailureReason.OutOfResources;
const A900 = FailureReason.DataSetDoesNotMatchSopClass;

/** Parses and returns the rejection, failing the test if there is none (or anything else is thrown). */
function rejection(bytes: Uint8Array, opts: Partial<ParseDicomHeaderOptions> = {}): DicomRejection {
  try {
    parseDicomHeader(bytes, { totalSize: bytes.length, ...opts });
  } catch (error) {
    expect(error).toBeInstanceOf(DicomRejection);
    return error as DicomRejection;
  }
  throw new Error('expected a DicomRejection');
}

/** Deterministic bytes, so a failure can be replayed. */
function pseudoRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/** Deterministic random-looking bytes (AES-CTR over zeros), fast to make in bulk. */
const randomBytes = (n: number, seed: number) =>
  createCipheriv('aes-128-ctr', Buffer.alloc(16, seed), Buffer.alloc(16, n & 0xff)).update(Buffer.alloc(n));

const ct = readFileSync(dicomFixture('ct-small.dcm').path);
/** Offset of CT_small's Pixel Data element: the end of its header. */
const ctPixelData = ct.indexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00]));

function nested(depth: number, undefinedLength: boolean): CraftedElement[] {
  let inner: CraftedElement[] = [{ tag: 0x00100020, vr: 'LO', value: 'deep' }];
  for (let level = 0; level < depth; level++) {
    inner = [{ tag: 0x00081115, vr: 'SQ', undefinedLength, items: [inner] }];
  }
  return inner;
}

describe('parseDicomHeader rejections', () => {
  it('rejects random bytes (C000)', () => {
    for (const size of [0, 1, 100, 131, 132, 200, 4096, 100_000]) {
      expect(rejection(randomBytes(size, 1)).reason).toBe(C000);
    }
  });

  it('rejects random bytes after a valid preamble and DICM (C000)', () => {
    for (let round = 0; round < 200; round++) {
      const bytes = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), randomBytes(16 + round * 50, round)]);
      expect([C000, A900]).toContain(rejection(bytes).reason);
    }
  });

  it('rejects random data sets after a valid File Meta Information (C000 or A900)', () => {
    for (let round = 0; round < 300; round++) {
      const transferSyntaxUid = ['1.2.840.10008.1.2', UIDS.explicitLittleEndian, '1.2.840.10008.1.2.2'][round % 3];
      const bytes = writePart10([], { transferSyntaxUid, rawDataset: randomBytes(8 + round * 20, round) });
      expect([C000, A900]).toContain(rejection(bytes).reason);
    }
  });

  it("rejects a file without 'DICM' at byte 128 (C000)", () => {
    const bytes = Buffer.from(ct);
    bytes.write('DICX', 128, 'latin1');
    const error = rejection(bytes);
    expect(error.reason).toBe(C000);
    expect(error.message).toMatch(/DICM/);
  });

  it.each([
    ['MZ', [0x4d, 0x5a, 0x90, 0x00], /Windows executable/],
    ['ELF', [0x7f, 0x45, 0x4c, 0x46], /Linux executable/],
    ['#!', [0x23, 0x21, 0x2f, 0x62], /script/],
    ['ZIP', [0x50, 0x4b, 0x03, 0x04], /ZIP archive/],
  ])('rejects an executable preamble (%s)', (_name, magic, message) => {
    const bytes = writePart10(minimalDataset(), { preamble: Uint8Array.from(magic) });
    const error = rejection(bytes);
    expect(error.reason).toBe(C000);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/preamble/);
  });

  it.each([
    ['a PDF', [0x25, 0x50, 0x44, 0x46, 0x2d], /PDF document/],
    ['an HTML page', [...Buffer.from('<html><script>')], /neither zeros nor a TIFF header/],
    ['one stray byte late in the preamble', [...Buffer.alloc(127), 1], /neither zeros nor a TIFF header/],
  ])('rejects any other non-zero preamble (%s)', (_name, bytes, message) => {
    const error = rejection(writePart10(minimalDataset(), { preamble: Uint8Array.from(bytes) }));
    expect(error.reason).toBe(C000);
    expect(error.message).toMatch(message);
  });

  it.each([
    ['zeros', []],
    ['a little-endian TIFF header', [0x49, 0x49, 0x2a, 0x00, 0x08, 0, 0, 0]],
    ['a big-endian TIFF header', [0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 0x08]],
  ])('accepts a preamble of %s', (_name, bytes) => {
    const file = writePart10(minimalDataset(), { preamble: Uint8Array.from(bytes) });
    const parsed = parseDicomHeader(file, { totalSize: file.length });
    expect(parsed.sopInstanceUid).toBeDefined();
  });

  it('rejects the whole file truncated at any of many offsets (C000)', () => {
    const offsets = [0, 10, 127, 131, 132, 135, 140, 150, 200, 333, 500, 777, 1000, ctPixelData - 3];
    // CT_small has 138 bytes after its Pixel Data; cutting those off goes unnoticed, as it should.
    offsets.push(ctPixelData + 5, ctPixelData + 12, ctPixelData + 1000, ctPixelData + 12 + 32767);
    for (const offset of offsets) {
      const error = rejection(ct.subarray(0, offset));
      expect([offset, error.reason]).toEqual([offset, C000]);
    }
  });

  it('rejects every truncation of a small file, one byte at a time (C000, or A900 when UIDs are cut off)', () => {
    const bytes = writePart10(minimalDataset({ extra: [{ tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(64) }] }));
    // Cut just before Pixel Data, the file is a complete data set without pixels: nothing says it was cut.
    const pixelData = bytes.length - 64 - 12;
    for (let offset = 0; offset < bytes.length; offset++) {
      if (offset === pixelData) continue;
      const { reason } = rejection(bytes.subarray(0, offset));
      expect([offset, reason === C000 || reason === A900]).toEqual([offset, true]);
    }
  });

  it('refuses a header that does not end within the prefix of a bigger file (A700)', () => {
    for (const offset of [200, 500, 1000, ctPixelData - 1]) {
      const error = rejection(ct.subarray(0, offset), { totalSize: ct.length, maxHeaderBytes: offset });
      expect([offset, error.reason]).toEqual([offset, A700]);
      expect(error.message).toMatch(/header is larger than/);
    }
  });

  it('refuses with A700 when maxHeaderBytes is smaller than the header, even given the whole file', () => {
    const error = rejection(ct, { maxHeaderBytes: 1024 });
    expect(error.reason).toBe(A700);
    expect(error.message).toMatch(/larger than 1024 bytes/);
  });

  it('rejects pydicom MR_truncated.dcm, whose Pixel Data runs past the end of the file (C000)', () => {
    const error = rejection(readFileSync(TRUNCATED_FIXTURE.path));
    expect(error.reason).toBe(C000);
    expect(error.message).toMatch(/truncated/);
    expect(error.uids.sopInstanceUid).toBe('1.3.6.1.4.1.5962.1.1.4.1.1.20040826185059.5457');
  });

  it('rejects an element whose length runs past the end of the data (C000)', () => {
    const extra = [{ tag: 0x00081030, vr: 'LO', value: 'Chest', declaredLength: 200 }];
    const error = rejection(writePart10(minimalDataset({ extra })));
    expect(error.reason).toBe(C000);
    expect(error.message).toMatch(/\(0008,1030\)/);
  });

  it('rejects a 0xFFFFFFF0 declared length quickly, whatever the prefix (C000)', () => {
    const extra = [{ tag: 0x00091010, vr: 'OB', value: new Uint8Array(16), declaredLength: 0xfffffff0 }];
    const bytes = writePart10(minimalDataset({ extra }));
    expect(rejection(bytes).reason).toBe(C000);
    // Even when the file is "bigger" than the prefix: the length is past the end of the file, not just the prefix.
    const error = rejection(bytes, { totalSize: 50_000_000 });
    expect(error.reason).toBe(C000);
    expect(error.message).toMatch(/4294967280|4294967\d+ bytes/);
  });

  it('rejects sequences nested 100 deep, of defined or undefined length (C000)', () => {
    for (const undefinedLength of [false, true]) {
      const error = rejection(writePart10(minimalDataset({ extra: nested(100, undefinedLength) })));
      expect(error.reason).toBe(C000);
      expect(error.message).toMatch(/nested more than 16 levels/);
    }
  });

  it('accepts 16 levels of nesting and refuses 17, or what maxSequenceDepth says', () => {
    const ok = writePart10(minimalDataset({ extra: nested(16, true) }));
    expect(parseDicomHeader(ok, { totalSize: ok.length }).sopInstanceUid).toBe(UIDS.sopInstance);
    expect(rejection(writePart10(minimalDataset({ extra: nested(17, true) }))).reason).toBe(C000);
    expect(rejection(ok, { maxSequenceDepth: 4 }).reason).toBe(C000);
  });

  it('survives a million nested item headers without deep recursion (C000)', () => {
    const sqHeader = Buffer.from([0x08, 0x00, 0x15, 0x11, 0x53, 0x51, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    const itemHeader = Buffer.from([0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff]);
    const level = Buffer.concat([sqHeader, itemHeader]);
    const dataset = Buffer.concat([encodeElements(minimalDataset()), Buffer.concat(Array(500_000).fill(level))]);
    const error = rejection(writePart10([], { rawDataset: dataset }));
    expect(error.reason).toBe(C000);
    expect(error.message).toMatch(/nested more than 16 levels/);
  });

  it('refuses a header of too many tiny elements (A700)', () => {
    // 300,000 empty (0009,1000) LO elements: 2.4 MB, well within the 8 MiB a header may take.
    const tiny = Buffer.from([0x09, 0x00, 0x00, 0x10, 0x4c, 0x4f, 0x00, 0x00]);
    const dataset = Buffer.concat([encodeElements(minimalDataset()), Buffer.concat(Array(300_000).fill(tiny))]);
    const bytes = writePart10([], { rawDataset: dataset });
    const error = rejection(bytes);
    expect(error.reason).toBe(A700);
    expect(error.message).toMatch(/more than 200000 elements/);
    expect(rejection(writePart10(minimalDataset()), { maxElements: 3 }).reason).toBe(A700);
  });

  it.each([
    ['SOP Instance UID', 0x00080018, /SOP Instance UID \(0008,0018\) is missing/],
    ['SOP Class UID', 0x00080016, /SOP Class UID \(0008,0016\) is missing/],
    ['Study Instance UID', 0x0020000d, /Study Instance UID \(0020,000D\) is missing/],
    ['Series Instance UID', 0x0020000e, /Series Instance UID \(0020,000E\) is missing/],
  ])('rejects a data set without %s (A900)', (_name, tag, message) => {
    const error = rejection(writePart10(minimalDataset({ omit: [tag] })));
    expect(error.reason).toBe(A900);
    expect(error.message).toMatch(message);
  });

  it('reports the UIDs it could read with an A900', () => {
    const error = rejection(writePart10(minimalDataset({ omit: [0x0020000d] })));
    expect(error.uids).toEqual({ sopClassUid: UIDS.ctImageStorage, sopInstanceUid: UIDS.sopInstance });
  });

  it.each([
    ['letters', '1.2.abc'],
    ['a trailing dot', '1.2.3.'],
    ['two dots', '1..2'],
    ['65 characters', `1.${'2'.repeat(63)}`],
    ['a space inside', '1.2 .3'],
  ])('rejects a UID with %s (A900)', (_what, uid) => {
    const error = rejection(writePart10(minimalDataset({ override: { 0x00080018: uid } })));
    expect(error.reason).toBe(A900);
    expect(error.message).toMatch(/SOP Instance UID \(0008,0018\) ".*" is not a valid UID/);
  });

  it('rejects a missing Transfer Syntax UID (C000)', () => {
    const bytes = writePart10(minimalDataset());
    const meta = bytes.indexOf(Buffer.from([0x02, 0x00, 0x10, 0x00]), 132);
    bytes.writeUInt16LE(0x0011, meta + 2);
    const error = rejection(bytes);
    expect(error.reason).toBe(C000);
    expect(error.message).toMatch(/Transfer Syntax UID/);
  });

  it('refuses a deflate bomb without inflating it (A700)', () => {
    // 64 MiB of zeros in a private OB before Pixel Data: about 64 KiB deflated.
    const extra = [{ tag: 0x00091010, vr: 'OB', value: new Uint8Array(64 * 1024 * 1024) }];
    const bomb = deflateRawSync(encodeElements(minimalDataset({ extra })));
    expect(bomb.length).toBeLessThan(200_000);
    const bytes = writePart10(minimalDataset(), {
      transferSyntaxUid: UIDS.deflatedExplicitLittleEndian,
      rawDataset: bomb,
    });
    const error = rejection(bytes);
    expect(error.reason).toBe(A700);
    expect(error.uids.sopInstanceUid).toBe(UIDS.sopInstance);
  });

  it('rejects deflated data that does not inflate (C000)', () => {
    const garbage = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x01, 0x02, 0x03]);
    const bytes = writePart10(minimalDataset(), {
      transferSyntaxUid: UIDS.deflatedExplicitLittleEndian,
      rawDataset: garbage,
    });
    expect(rejection(bytes).reason).toBe(C000);
  });

  it('never throws anything but a DicomRejection for damaged real files, and never hangs', () => {
    const next = pseudoRandom(3);
    for (const fixture of DICOM_FIXTURES.filter((f) => f.size < 50_000)) {
      const original = readFileSync(fixture.path);
      for (let round = 0; round < 150; round++) {
        const bytes = Buffer.from(original);
        for (let flips = 1 + Math.floor(next() * 8); flips > 0; flips--) {
          bytes[132 + Math.floor(next() * Math.min(bytes.length - 132, 2000))] = Math.floor(next() * 256);
        }
        const started = performance.now();
        try {
          parseDicomHeader(bytes, { totalSize: bytes.length });
        } catch (error) {
          expect(error).toBeInstanceOf(DicomRejection);
        }
        expect(performance.now() - started).toBeLessThan(500);
      }
    }
  });
});
