import { charsetDecoder } from './character-set.js';
import {
  DicomFormatError,
  DicomReader,
  EXPLICIT_BE,
  EXPLICIT_LE,
  IMPLICIT_LE,
  isKnownVr,
  PIXEL_DATA,
  type DatasetRead,
  type DicomElement,
  type Encoding,
  type ReadLimits,
} from './dicom-reader.js';
import { instanceFields, isValidUid } from './instance-fields.js';
import { DicomRejection, FailureReason, type ParsedInstance } from './parsed-instance.js';
import { readDeflatedDataset } from './read-deflated-dataset.js';
import { jsonContext, jsonKey, toDicomJson } from './to-dicom-json.js';

export interface ParseDicomHeaderOptions {
  /** Size of the whole file; `prefix` may be shorter. */
  totalSize: number;
  /** Bytes of the file the header must fit in (default 8 MiB); also the most a deflated header may inflate to. */
  maxHeaderBytes?: number;
  /** Deepest sequence nesting accepted (default 16). */
  maxSequenceDepth?: number;
  /** Most data elements in the header, sequence items' included (default 200,000). */
  maxElements?: number;
}

export const DEFAULT_MAX_HEADER_BYTES = 8 * 1024 * 1024;
export const DEFAULT_MAX_SEQUENCE_DEPTH = 16;
export const DEFAULT_MAX_ELEMENTS = 200_000;

const PREAMBLE_LENGTH = 128;
const DATASET_START = PREAMBLE_LENGTH + 4;
const TRANSFER_SYNTAX = {
  implicitLittleEndian: '1.2.840.10008.1.2',
  explicitBigEndian: '1.2.840.10008.1.2.2',
  deflated: '1.2.840.10008.1.2.1.99',
};
/**
 * What a 128-byte preamble may hold: zeros, or the header of a TIFF file (the one application profile in use, PS3.10
 * 7.1). Anything else is refused: a preamble is the one place a file can also be a program or archive ("polyglot",
 * CVE-2019-11687), and WADO-RS answers the stored bytes as they are, so the hub cannot zero it instead.
 */
const TIFF_HEADERS = [
  [0x49, 0x49, 0x2a, 0x00], // little endian: "II*\0"
  [0x4d, 0x4d, 0x00, 0x2a], // big endian: "MM\0*"
];
/** Preambles named in the refusal, so a sender learns what their file also is. */
const KNOWN_PREAMBLES: { magic: number[]; what: string }[] = [
  { magic: [0x4d, 0x5a], what: "a Windows executable ('MZ')" },
  { magic: [0x7f, 0x45, 0x4c, 0x46], what: 'a Linux executable (ELF)' },
  { magic: [0x23, 0x21], what: "a script ('#!')" },
  { magic: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive' },
  { magic: [0x25, 0x50, 0x44, 0x46], what: "a PDF document ('%PDF')" },
  { magic: [0xcf, 0xfa, 0xed, 0xfe], what: 'a macOS executable (Mach-O)' },
  { magic: [0xca, 0xfe, 0xba, 0xbe], what: 'a macOS or Java executable' },
];

const startsWith = (b: Uint8Array, magic: readonly number[]) => magic.every((byte, i) => b[i] === byte);

/** Why this preamble is refused, or null when it is zeros or a TIFF header. */
export function preambleProblem(preamble: Uint8Array): string | null {
  if (preamble.every((byte) => byte === 0)) return null;
  if (TIFF_HEADERS.some((magic) => startsWith(preamble, magic))) return null;
  const known = KNOWN_PREAMBLES.find(({ magic }) => startsWith(preamble, magic));
  const what = known ? `begins like ${known.what}` : 'is neither zeros nor a TIFF header';
  return (
    `The 128-byte preamble ${what}. A DICOM file whose preamble could make it another kind of file (a program, ` +
    'an archive) is refused; export the study again, or ask the sender to zero the preamble (PS3.10 7.1).'
  );
}

interface Uids {
  sopClassUid?: string;
  sopInstanceUid?: string;
}

/**
 * Reads what ingest needs from the start of a DICOM Part 10 file. Only DicomRejection leaves this function for bad
 * input, and the work is one bounded pass over `prefix` (at most `maxHeaderBytes`).
 */
export function parseDicomHeader(prefix: Uint8Array, opts: ParseDicomHeaderOptions): ParsedInstance {
  const maxHeaderBytes = opts.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  const limits: ReadLimits = {
    maxSequenceDepth: opts.maxSequenceDepth ?? DEFAULT_MAX_SEQUENCE_DEPTH,
    maxElements: opts.maxElements ?? DEFAULT_MAX_ELEMENTS,
  };
  const totalSize = Math.max(opts.totalSize, 0);
  const bytes = prefix.subarray(0, Math.min(prefix.length, maxHeaderBytes, totalSize));
  const header = new HeaderParse(bytes, totalSize, maxHeaderBytes, limits);
  try {
    return header.parse();
  } catch (error) {
    if (error instanceof DicomRejection) throw error;
    // Anything else is a gap in the checks above; the file is still not one we can read.
    const detail = error instanceof Error ? error.message : String(error);
    throw new DicomRejection(FailureReason.CannotUnderstand, `The file could not be read as DICOM: ${detail}.`, {
      ...header.uids,
    });
  }
}

class HeaderParse {
  uids: Uids = {};
  private readonly wholeFile: boolean;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly totalSize: number,
    private readonly maxHeaderBytes: number,
    private readonly limits: ReadLimits,
  ) {
    this.wholeFile = bytes.length >= totalSize;
  }

  parse(): ParsedInstance {
    this.checkPart10Prefix();
    const reader = new DicomReader(this.bytes, this.limits);
    const meta = this.guard(() => reader.readDataset(DATASET_START, EXPLICIT_LE, (tag) => tag >>> 16 !== 0x0002));
    const metaValue = (tag: number) =>
      rawString(
        this.bytes,
        meta.elements.find((e) => e.tag === tag),
      );
    const transferSyntaxUid = metaValue(0x00020010);
    this.uids = pickValid({ sopClassUid: metaValue(0x00020002), sopInstanceUid: metaValue(0x00020003) });
    if (!transferSyntaxUid) {
      this.reject(FailureReason.CannotUnderstand, 'The File Meta Information has no Transfer Syntax UID (0002,0010).');
    }

    let buffer = this.bytes;
    let encoding: Encoding;
    let dataset: DatasetRead;
    if (transferSyntaxUid === TRANSFER_SYNTAX.deflated) {
      encoding = EXPLICIT_LE;
      ({ buffer, read: dataset } = this.readDeflated(meta.end));
    } else {
      encoding = sniffEncoding(this.bytes, meta.end, transferSyntaxUid);
      dataset = this.guard(() => reader.readDataset(meta.end, encoding, (tag) => tag === PIXEL_DATA));
      if (!dataset.stopped && !this.wholeFile) this.tooLarge();
    }

    const metadata = toDicomJson(dataset.elements, jsonContext(buffer, encoding.littleEndian, charsetDecoder([])));
    if (dataset.stopped) {
      const pixelData = this.guard(() => new DicomReader(buffer, this.limits).header(dataset.end, encoding));
      if (buffer === this.bytes) this.checkPixelDataFits(pixelData);
      metadata[jsonKey(PIXEL_DATA)] = { vr: pixelData.vr === 'OB' ? 'OB' : 'OW' };
    }
    const fields = instanceFields(metadata, transferSyntaxUid);
    if (!fields.ok) {
      const uids = { ...this.uids, ...pickValid(fields.uids) };
      this.reject(FailureReason.DataSetDoesNotMatchSopClass, fields.message, uids);
    }
    return fields.instance;
  }

  private checkPart10Prefix(): void {
    const b = this.bytes;
    if (b.length < DATASET_START) {
      const size = this.wholeFile ? `The file is ${this.totalSize} bytes long` : `Only ${b.length} bytes were read`;
      this.reject(
        FailureReason.CannotUnderstand,
        `${size}: too short to be DICOM (a Part 10 file starts with a 128-byte preamble and 'DICM').`,
      );
    }
    if (String.fromCharCode(...b.subarray(PREAMBLE_LENGTH, DATASET_START)) !== 'DICM') {
      this.reject(
        FailureReason.CannotUnderstand,
        "This is not a DICOM Part 10 file: there is no 'DICM' after the 128-byte preamble. Send files as written " +
          'by a modality or PACS export, with preamble and File Meta Information (PS3.10).',
      );
    }
    const problem = preambleProblem(b.subarray(0, PREAMBLE_LENGTH));
    if (problem) this.reject(FailureReason.CannotUnderstand, problem);
  }

  private readDeflated(datasetStart: number): { buffer: Uint8Array; read: DatasetRead } {
    const outcome = this.guard(() =>
      readDeflatedDataset(this.bytes.subarray(datasetStart), {
        wholeFile: this.wholeFile,
        inflatedLimit: this.maxHeaderBytes,
        limits: this.limits,
      }),
    );
    if (outcome.kind === 'read') return outcome;
    if (outcome.kind === 'too-large') {
      this.reject(
        FailureReason.OutOfResources,
        `The deflated DICOM header does not end within the first ${formatBytes(this.bytes.length)} of the file, ` +
          `or inflates to more than ${formatBytes(outcome.inflatedLimit)}: headers larger than that are refused.`,
      );
    }
    return this.reject(
      FailureReason.CannotUnderstand,
      `The deflated DICOM data set is unreadable: ${outcome.message}.`,
    );
  }

  private checkPixelDataFits(pixelData: DicomElement): void {
    if (pixelData.undefinedLength) return;
    const end = pixelData.offset + pixelData.length;
    if (end > this.totalSize) {
      this.reject(
        FailureReason.CannotUnderstand,
        `The file is truncated: Pixel Data (7FE0,0010) declares ${pixelData.length} bytes from byte ` +
          `${pixelData.offset}, but the file ends at byte ${this.totalSize}. Send the complete file.`,
      );
    }
  }

  /** Runs a structural read, turning its problems into rejections. */
  private guard<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof DicomFormatError)) throw error;
      if (error.problem === 'too-many') {
        this.reject(FailureReason.OutOfResources, `The DICOM header is refused: ${error.message}.`);
      }
      if (error.problem === 'too-deep') {
        this.reject(FailureReason.CannotUnderstand, `The DICOM data set is refused: ${error.message}.`);
      }
      if (error.problem === 'malformed') {
        this.reject(FailureReason.CannotUnderstand, `The DICOM data set is malformed: ${error.message}.`);
      }
      if (error.declaredEnd !== undefined && error.declaredEnd > this.totalSize) {
        this.reject(
          FailureReason.CannotUnderstand,
          `The file is truncated or corrupt: ${error.message}, which needs ${error.declaredEnd} bytes, but the file ` +
            `has ${this.totalSize}.`,
        );
      }
      if (!this.wholeFile) this.tooLarge();
      return this.reject(FailureReason.CannotUnderstand, `The file is truncated: ${error.message}.`);
    }
  }

  private tooLarge(): never {
    return this.reject(
      FailureReason.OutOfResources,
      `The DICOM header is larger than ${formatBytes(this.bytes.length)}: it does not end within the first ` +
        `${formatBytes(this.bytes.length)} of this ${formatBytes(this.totalSize)} file, the most the hub reads ` +
        'before the pixel data.',
    );
  }

  private reject(reason: number, message: string, uids: Uids = this.uids): never {
    throw new DicomRejection(reason, message, { ...uids });
  }
}

/** The transfer syntax says which encoding; the first element says which one was really written. */
function sniffEncoding(bytes: Uint8Array, start: number, transferSyntaxUid: string): Encoding {
  if (transferSyntaxUid === TRANSFER_SYNTAX.explicitBigEndian) return EXPLICIT_BE;
  const declared = transferSyntaxUid === TRANSFER_SYNTAX.implicitLittleEndian ? IMPLICIT_LE : EXPLICIT_LE;
  if (start + 6 > bytes.length) return declared;
  return isKnownVr(String.fromCharCode(bytes[start + 4], bytes[start + 5])) ? EXPLICIT_LE : IMPLICIT_LE;
}

function rawString(bytes: Uint8Array, element: DicomElement | undefined): string {
  if (!element) return '';
  return Buffer.from(bytes.subarray(element.offset, element.offset + element.length))
    .toString('latin1')
    .replace(/^[\0 ]+|[\0 ]+$/g, '');
}

function pickValid(uids: { sopClassUid?: string | null; sopInstanceUid?: string | null }): Uids {
  const picked: Uids = {};
  if (uids.sopClassUid && isValidUid(uids.sopClassUid)) picked.sopClassUid = uids.sopClassUid;
  if (uids.sopInstanceUid && isValidUid(uids.sopInstanceUid)) picked.sopInstanceUid = uids.sopInstanceUid;
  return picked;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  return `${n} bytes`;
}
