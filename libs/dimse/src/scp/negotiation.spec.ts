import { describe, expect, it } from '@jest/globals';
import { negotiate, serviceOf } from './negotiation.js';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const TWELVE_LEAD_ECG = '1.2.840.10008.5.1.4.1.1.9.1.1';
const WSI = '1.2.840.10008.5.1.4.1.1.77.1.6';
const IMPLICIT = '1.2.840.10008.1.2';
const EXPLICIT = '1.2.840.10008.1.2.1';
const JPEG_LOSSLESS = '1.2.840.10008.1.2.4.70';

describe('serviceOf', () => {
  it('knows verification, study and patient root C-FIND and the storage classes', () => {
    expect(serviceOf('1.2.840.10008.1.1')).toBe('verification');
    expect(serviceOf('1.2.840.10008.5.1.4.1.2.2.1')).toBe('find');
    expect(serviceOf('1.2.840.10008.5.1.4.1.2.1.1')).toBe('find');
    for (const uid of [CT, TWELVE_LEAD_ECG, WSI]) expect(serviceOf(uid)).toBe('store');
  });
  it('knows nothing else (C-MOVE, C-GET, modality worklist, private classes)', () => {
    for (const uid of [
      '1.2.840.10008.5.1.4.1.2.2.2',
      '1.2.840.10008.5.1.4.1.2.2.3',
      '1.2.840.10008.5.1.4.31',
      '1.3.6.1.4.1.9',
    ])
      expect(serviceOf(uid)).toBeNull();
  });
});

describe('negotiate', () => {
  it('takes explicit VR little endian when offered, wherever it stands', () => {
    expect(negotiate(CT, [IMPLICIT, JPEG_LOSSLESS, EXPLICIT])).toEqual({
      accepted: true,
      kind: 'store',
      transferSyntaxUid: EXPLICIT,
    });
  });
  it("stores in the modality's first choice otherwise, compressed ones included", () => {
    expect(negotiate(CT, [JPEG_LOSSLESS, IMPLICIT])).toMatchObject({
      accepted: true,
      transferSyntaxUid: JPEG_LOSSLESS,
    });
  });
  it('answers verification and queries in an uncompressed syntax only', () => {
    expect(negotiate('1.2.840.10008.1.1', [IMPLICIT])).toMatchObject({ accepted: true, kind: 'verification' });
    expect(negotiate('1.2.840.10008.5.1.4.1.2.2.1', [JPEG_LOSSLESS])).toEqual({
      accepted: false,
      reason: 'transfer-syntax',
    });
  });
  it('refuses unknown abstract syntaxes and non-standard transfer syntaxes', () => {
    expect(negotiate('1.2.840.10008.5.1.4.1.2.2.2', [IMPLICIT])).toEqual({
      accepted: false,
      reason: 'abstract-syntax',
    });
    expect(negotiate(CT, ['1.3.6.1.4.1.5'])).toEqual({ accepted: false, reason: 'transfer-syntax' });
  });
});
