import { describe, expect, it } from '@jest/globals';
import { parseContentType } from './content-type.js';

describe('parseContentType', () => {
  it('reads a STOW-RS content type with quoted parameters', () => {
    expect(parseContentType('multipart/related; type="application/dicom"; boundary=DICOMwebBoundary')).toEqual({
      mediaType: 'multipart/related',
      params: { type: 'application/dicom', boundary: 'DICOMwebBoundary' },
    });
  });

  it('lower-cases the media type and parameter names, not the values', () => {
    expect(parseContentType('Multipart/Related; BOUNDARY="AbC"; Type=Application/DICOM')).toEqual({
      mediaType: 'multipart/related',
      params: { boundary: 'AbC', type: 'Application/DICOM' },
    });
  });

  it('keeps semicolons, equals signs and escaped quotes inside quoted values', () => {
    expect(parseContentType('multipart/related; boundary="a;b=c"; x="say \\"hi\\""').params).toEqual({
      boundary: 'a;b=c',
      x: 'say "hi"',
    });
  });

  it('reads an Accept media range with a transfer-syntax parameter', () => {
    expect(
      parseContentType('multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.1'),
    ).toEqual({
      mediaType: 'multipart/related',
      params: { type: 'application/dicom', 'transfer-syntax': '1.2.840.10008.1.2.1' },
    });
  });

  it('tolerates spaces, empty and broken parameters; the first of repeated ones wins', () => {
    expect(parseContentType('  application/dicom  ;; junk ; a = 1 ; a=2; =x; b="unterminated')).toEqual({
      mediaType: 'application/dicom',
      params: { a: '1', b: 'unterminated' },
    });
  });

  it('answers an empty media type for an empty header', () => {
    expect(parseContentType('')).toEqual({ mediaType: '', params: {} });
  });

  it('keeps a parameter named __proto__ as a plain parameter', () => {
    const { params } = parseContentType('text/plain; __proto__=x');
    expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
    expect(Object.hasOwn(params, '__proto__')).toBe(true);
  });
});
