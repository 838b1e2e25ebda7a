import { describe, expect, it } from '@jest/globals';
import { describeRefusedMedia, sniffMedia } from './media-sniffer.js';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('sniffMedia', () => {
  it.each([
    ['PDF', bytes('%PDF-1.7\n%âãÏÓ\n'), 'pdf'],
    ['PNG', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), 'png'],
    ['JPEG', bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16]), 'jpeg'],
    ['little-endian TIFF', bytes([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]), 'tiff'],
    ['big-endian TIFF', bytes([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]), 'tiff'],
    ['BigTIFF (large slides)', bytes([0x49, 0x49, 0x2b, 0x00, 8, 0, 0, 0]), 'tiff'],
    ['SCP-ECG', bytes(Array(16).fill(0), 'SCPECG'), 'scp-ecg'],
    ['HL7 v2', bytes('MSH|^~\\&|LIS|TS01|HUB|LEAD|20261122||ORU^R01|1|P|2.5\r'), 'hl7v2'],
    ['HL7 v2 after a BOM', bytes([0xef, 0xbb, 0xbf], 'MSH|^~\\&|LIS\r'), 'hl7v2'],
    ['JSON', bytes('  \n[{"itemCode": "GLU"}]'), 'json'],
    ['aECG XML', bytes('<?xml version="1.0"?>\n<AnnotatedECG xmlns="urn:hl7-org:v3">'), 'hl7-aecg'],
    ['aECG XML with a prefix', bytes('<?xml version="1.0"?><v3:AnnotatedECG xmlns:v3="urn:hl7-org:v3">'), 'hl7-aecg'],
  ])('recognises %s from its bytes', (_label, prefix, format) => {
    expect(sniffMedia(prefix)?.format).toBe(format);
  });

  it.each([
    ['an empty file', Buffer.alloc(0), /empty/],
    ['other XML', bytes('<?xml version="1.0"?><html><body>'), /text in no accepted format/],
    ['plain text', bytes('hello'), /text in no accepted format/],
    ['a Windows executable', bytes('MZ', [0x90, 0]), /executable/],
    ['an ELF executable', bytes([0x7f, 0x45, 0x4c, 0x46, 2, 1]), /executable/],
    ['a ZIP archive', bytes([0x50, 0x4b, 0x03, 0x04]), /ZIP/],
    ['random binary', Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x81]), /unknown format/],
  ])('refuses %s and says what it looks like', (_label, prefix, description) => {
    expect(sniffMedia(prefix)).toBeNull();
    expect(describeRefusedMedia(prefix)).toMatch(description);
  });

  it('never takes a DICOM file for what its preamble mimics, and points to STOW-RS', () => {
    const polyglot = Buffer.concat([Buffer.from('%PDF-1.4'), Buffer.alloc(120), Buffer.from('DICM')]);
    expect(sniffMedia(polyglot)).toBeNull();
    expect(describeRefusedMedia(polyglot)).toMatch(/DICOM.*STOW-RS/);
  });
});
