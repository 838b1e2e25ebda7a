import { minimalDataset, writePart10 } from '../fixtures/dicom-writer.js';

export const STOW_BOUNDARY = 'bench-boundary';
export const PIXEL_BYTES = 256 * 1024; // about one 512×256 16-bit CT slice
const INSTANCES_PER_STUDY = 100;

/**
 * A synthetic CT instance with unique UIDs, as one STOW-RS request body (one instance per request, as a modality
 * sends). The bytes depend only on (level, n), so every server gets the same ones.
 */
export function stowBody(level: number, n: number, pixels: Buffer): Buffer {
  const root = `1.2.826.0.1.3680043.2.1125.9${level}`;
  const study = Math.floor(n / INSTANCES_PER_STUDY);
  const file = writePart10(
    minimalDataset({
      override: {
        0x00080018: `${root}.3.${n}`,
        0x0020000d: `${root}.1.${study}`,
        0x0020000e: `${root}.2.${study}`,
      },
      extra: [
        { tag: 0x00100020, vr: 'LO', value: `BENCH-${level}-${study}` },
        { tag: 0x00200013, vr: 'IS', value: String(n % INSTANCES_PER_STUDY) },
        { tag: 0x7fe00010, vr: 'OW', value: pixels },
      ],
    }),
  );
  return Buffer.concat([
    Buffer.from(`--${STOW_BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${STOW_BOUNDARY}--\r\n`),
  ]);
}
