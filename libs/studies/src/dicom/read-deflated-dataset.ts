import zlib from 'node:zlib';
import {
  DicomFormatError,
  DicomReader,
  EXPLICIT_LE,
  PIXEL_DATA,
  type DatasetRead,
  type ReadLimits,
} from './dicom-reader.js';

export type DeflatedOutcome =
  | { kind: 'read'; buffer: Uint8Array; read: DatasetRead }
  | { kind: 'too-large'; inflatedLimit: number }
  | { kind: 'truncated'; message: string }
  | { kind: 'corrupt'; message: string };

const FIRST_SLICE = 64 * 1024;
const GIVE_UP_STEP = 4 * 1024;

/**
 * Deflated Explicit VR Little Endian (PS3.5 A.5): the whole data set, pixels included, is one raw deflate stream.
 * Only the header is wanted, so the input is inflated in growing slices (partial output via Z_SYNC_FLUSH) until the
 * header parses, and never to more than `inflatedLimit` bytes: a small deflate bomb cannot take the memory.
 */
export function readDeflatedDataset(
  compressed: Uint8Array,
  opts: { wholeFile: boolean; inflatedLimit: number; limits: ReadLimits },
): DeflatedOutcome {
  let size = Math.min(compressed.length, FIRST_SLICE);
  let lastFitting = 0;
  for (;;) {
    let inflated: Buffer;
    try {
      inflated = zlib.inflateRawSync(compressed.subarray(0, size), {
        finishFlush: zlib.constants.Z_SYNC_FLUSH,
        maxOutputLength: opts.inflatedLimit,
      });
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_BUFFER_TOO_LARGE') {
        return { kind: 'corrupt', message: `the deflated data set cannot be inflated (${(error as Error).message})` };
      }
      // This slice inflates past the limit; a smaller one may still hold the whole header.
      if (size - lastFitting <= GIVE_UP_STEP) return { kind: 'too-large', inflatedLimit: opts.inflatedLimit };
      size = lastFitting + Math.floor((size - lastFitting) / 2);
      continue;
    }
    const allInput = size === compressed.length;
    try {
      const read = new DicomReader(inflated, opts.limits).readDataset(0, EXPLICIT_LE, (tag) => tag === PIXEL_DATA);
      if (read.stopped || (allInput && opts.wholeFile)) return { kind: 'read', buffer: inflated, read };
      if (allInput) return { kind: 'too-large', inflatedLimit: opts.inflatedLimit };
    } catch (error) {
      if (!(error instanceof DicomFormatError) || error.problem !== 'overrun') throw error;
      if (allInput && opts.wholeFile) return { kind: 'truncated', message: error.message };
      if (allInput) return { kind: 'too-large', inflatedLimit: opts.inflatedLimit };
    }
    lastFitting = size;
    size = Math.min(compressed.length, size * 4);
  }
}
