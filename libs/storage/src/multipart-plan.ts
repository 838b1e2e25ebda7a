/** S3 caps a multipart upload at 10,000 parts; every part but the last must be at least 5 MiB. */
export const MAX_MULTIPART_PARTS = 10_000;
export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;

/**
 * The size to buffer for part `partNumber` (1-based) of an upload whose total size is unknown in advance.
 * The size doubles every 1,000 parts, so memory stays at one base-size part for ordinary objects (8 GB at 8 MiB)
 * while a multi-terabyte stream still fits in 10,000 parts.
 */
export function partSizeFor(partNumber: number, basePartSize: number = DEFAULT_PART_SIZE): number {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_MULTIPART_PARTS) {
    throw new RangeError(`part number must be an integer from 1 to ${MAX_MULTIPART_PARTS}`);
  }
  if (!Number.isInteger(basePartSize) || basePartSize < MIN_PART_SIZE) {
    throw new RangeError(`part size must be an integer of at least ${MIN_PART_SIZE} bytes`);
  }
  return basePartSize * 2 ** Math.floor((partNumber - 1) / 1000);
}
