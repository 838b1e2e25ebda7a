import { describe, expect, it } from '@jest/globals';
import dicomParser from 'dicom-parser';
import { IMPLEMENTATION_CLASS_UID, part10Header } from './part10-header.js';

describe('part10Header', () => {
  const id = {
    sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    sopInstanceUid: '1.2.3.4.5.6.7',
    transferSyntaxUid: '1.2.840.10008.1.2',
    sourceAeTitle: 'CT01',
  };

  it('writes a preamble, DICM and a file meta group a DICOM parser reads back', () => {
    const header = part10Header(id);
    expect(header.subarray(0, 128).every((b) => b === 0)).toBe(true);
    expect(header.subarray(128, 132).toString('latin1')).toBe('DICM');
    const meta = dicomParser.readPart10Header(new Uint8Array(header));
    expect(meta.string('x00020002')).toBe(id.sopClassUid);
    expect(meta.string('x00020003')).toBe(id.sopInstanceUid);
    expect(meta.string('x00020010')).toBe(id.transferSyntaxUid);
    expect(meta.string('x00020012')).toBe(IMPLEMENTATION_CLASS_UID);
    expect(meta.string('x00020016')).toBe('CT01');
    // The group length counts exactly the elements after it.
    expect(meta.uint32('x00020000')).toBe(header.length - 128 - 4 - 12);
  });

  it('pads odd-length values to even lengths (UIDs with NUL, text with a space)', () => {
    const header = part10Header({ ...id, sopInstanceUid: '1.2.3', sourceAeTitle: 'DR1' });
    expect(header.length % 2).toBe(0);
    const meta = dicomParser.readPart10Header(new Uint8Array(header));
    expect(meta.elements.x00020003!.length).toBe(6);
    expect(meta.string('x00020003')).toBe('1.2.3');
    expect(meta.string('x00020016')).toBe('DR1');
  });
});
