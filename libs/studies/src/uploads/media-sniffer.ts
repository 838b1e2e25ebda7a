import type { Discipline } from '@hub/core';

/** The file formats the hub accepts as uploads, each recognised by the signature its specification fixes. */
export type UploadFormat = 'pdf' | 'png' | 'jpeg' | 'tiff' | 'scp-ecg' | 'hl7-aecg' | 'hl7v2' | 'json';

export interface SniffedMedia {
  format: UploadFormat;
  mediaType: string;
}

/** How many leading bytes the sniffer needs (the aECG root element may follow a long XML prolog). */
export const SNIFF_BYTES = 64 * 1024;

const startsWith = (bytes: Buffer, signature: number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

const BINARY_SIGNATURES: { signature: number[]; offset?: number; media: SniffedMedia }[] = [
  { signature: [...Buffer.from('%PDF-')], media: { format: 'pdf', mediaType: 'application/pdf' } },
  { signature: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], media: { format: 'png', mediaType: 'image/png' } },
  { signature: [0xff, 0xd8, 0xff], media: { format: 'jpeg', mediaType: 'image/jpeg' } },
  // TIFF and BigTIFF, either byte order: whole-slide formats such as Aperio SVS and Hamamatsu NDPI are TIFF inside.
  { signature: [0x49, 0x49, 0x2a, 0x00], media: { format: 'tiff', mediaType: 'image/tiff' } },
  { signature: [0x4d, 0x4d, 0x00, 0x2a], media: { format: 'tiff', mediaType: 'image/tiff' } },
  { signature: [0x49, 0x49, 0x2b, 0x00], media: { format: 'tiff', mediaType: 'image/tiff' } },
  { signature: [0x4d, 0x4d, 0x00, 0x2b], media: { format: 'tiff', mediaType: 'image/tiff' } },
  // SCP-ECG (EN 1064 / ISO 11073-91064): record CRC and length, then section 0 whose header carries "SCPECG".
  {
    signature: [...Buffer.from('SCPECG')],
    offset: 16,
    media: { format: 'scp-ecg', mediaType: 'application/x-scp-ecg' },
  },
];

/** Formats recognised only to name them in a refusal. */
const REFUSED_SIGNATURES: { signature: number[]; offset?: number; name: string }[] = [
  {
    signature: [...Buffer.from('DICM')],
    offset: 128,
    name: 'a DICOM file (send it with STOW-RS to /dicomweb/studies)',
  },
  { signature: [0x4d, 0x5a], name: 'a Windows executable' },
  { signature: [0x7f, 0x45, 0x4c, 0x46], name: 'an ELF executable' },
  { signature: [...Buffer.from('#!')], name: 'a script' },
  { signature: [0x50, 0x4b, 0x03, 0x04], name: 'a ZIP archive (upload the files inside it)' },
];

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The text of a prefix that is well-formed UTF-8 (a multi-byte character cut at the end of the prefix is allowed). */
function utf8Text(prefix: Buffer): string | null {
  const body = startsWith(prefix, [...UTF8_BOM]) ? prefix.subarray(3) : prefix;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body, { stream: true });
  } catch {
    return null;
  }
}

function sniffText(prefix: Buffer): SniffedMedia | null {
  // HL7 v2 messages are often GB 18030 in Chinese hospitals: the MSH segment itself is ASCII, so look at the bytes.
  const start = startsWith(prefix, [...UTF8_BOM]) ? 3 : 0;
  if (prefix.subarray(start, start + 4).toString('latin1') === 'MSH|') {
    return { format: 'hl7v2', mediaType: 'application/hl7-v2' };
  }
  const text = utf8Text(prefix)?.trimStart();
  if (text === undefined || text === null || text.includes('\u0000')) return null;
  if (text.startsWith('{') || text.startsWith('[')) return { format: 'json', mediaType: 'application/json' };
  // HL7 v3 annotated ECG: an XML document whose root element is AnnotatedECG (namespace prefix optional).
  if (text.startsWith('<') && /<(?:[\w-]+:)?AnnotatedECG[\s>/]/.test(text)) {
    return { format: 'hl7-aecg', mediaType: 'application/hl7-aecg+xml' };
  }
  return null;
}

/** What the leading bytes of a file are, judged from the bytes alone; null when it is none of the accepted formats. */
export function sniffMedia(prefix: Buffer): SniffedMedia | null {
  // A DICOM preamble is free for its first 128 bytes: a file that is DICOM is never taken for what its preamble mimics.
  if (startsWith(prefix, [...Buffer.from('DICM')], 128)) return null;
  for (const { signature, offset, media } of BINARY_SIGNATURES) if (startsWith(prefix, signature, offset)) return media;
  return sniffText(prefix);
}

/** Words for a refused file: what it looks like, when it is something the sniffer can name. */
export function describeRefusedMedia(prefix: Buffer): string {
  for (const { signature, offset, name } of REFUSED_SIGNATURES) if (startsWith(prefix, signature, offset)) return name;
  if (prefix.length === 0) return 'an empty file';
  return utf8Text(prefix) === null ? 'a binary file of an unknown format' : 'text in no accepted format';
}

export const UPLOAD_FORMATS: Record<Exclude<Discipline, 'imaging'>, readonly UploadFormat[]> = {
  ecg: ['pdf', 'hl7-aecg', 'scp-ecg', 'png', 'jpeg'],
  lab: ['json', 'hl7v2', 'pdf'],
  pathology: ['tiff', 'jpeg', 'png', 'pdf'],
};
