import { describe, expect, it } from '@jest/globals';
import { DomainError } from '@hub/core';
import { parseDateRange, parseQidoQuery, wildcardToLike } from './qido-query.js';

describe('QIDO-RS query parsing', () => {
  it('turns DICOM wildcards into LIKE patterns and escapes LIKE characters', () => {
    expect(wildcardToLike('WANG^*')).toBe('WANG^%');
    expect(wildcardToLike('?i*')).toBe('_i%');
    expect(wildcardToLike('50%_off\\')).toBe('50\\%\\_off\\\\');
  });

  it('refuses names of the prototype as keywords (includefield=__proto__ was a 500)', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(() => parseQidoQuery({ includefield: name })).toThrow(/not a DICOM keyword or tag/);
      expect(() => parseQidoQuery({ [name]: 'x' })).toThrow(DomainError);
    }
  });

  it('reads single dates and open or closed ranges', () => {
    expect(parseDateRange('20240105')).toEqual({ from: '2024-01-05', to: '2024-01-05' });
    expect(parseDateRange('20240101-20240131')).toEqual({ from: '2024-01-01', to: '2024-01-31' });
    expect(parseDateRange('-20240131')).toEqual({ from: undefined, to: '2024-01-31' });
    expect(parseDateRange('20240101-')).toEqual({ from: '2024-01-01', to: undefined });
    for (const bad of ['2024-01-01', '-', '20241301', 'yesterday'])
      expect(() => parseDateRange(bad)).toThrow(DomainError);
  });

  it('accepts keywords or tags, limit/offset and includefield', () => {
    const q = parseQidoQuery({
      PatientID: 'TS-1',
      '00100010': '王*',
      ModalitiesInStudy: 'CT',
      StudyInstanceUID: '1.2.3,1.2.4',
      limit: '10',
      offset: '20',
      includefield: ['00081030', 'SeriesDescription'],
    });
    expect(q).toMatchObject({
      patientId: 'TS-1',
      patientNameLike: '王%',
      modality: 'CT',
      studyInstanceUids: ['1.2.3', '1.2.4'],
      limit: 10,
      offset: 20,
      includeFields: ['00081030', '0008103E'],
    });
    expect(parseQidoQuery({ includefield: 'all' }).includeFields).toBe('all');
  });

  it('refuses unknown keys, bad UIDs and out-of-range paging with a message naming them', () => {
    expect(() => parseQidoQuery({ PatientAge: '40' })).toThrow(/PatientAge/);
    expect(() => parseQidoQuery({ Nonsense: 'x' })).toThrow(/Nonsense/);
    expect(() => parseQidoQuery({ StudyInstanceUID: '1.2.x' })).toThrow(/not a UID/);
    expect(() => parseQidoQuery({ limit: '0' })).toThrow(/limit/);
    expect(() => parseQidoQuery({ limit: '100000' })).toThrow(/limit/);
    expect(() => parseQidoQuery({ offset: '-1' })).toThrow(/offset/);
    expect(() => parseQidoQuery({ includefield: 'NotAKeyword' })).toThrow(/includefield/);
  });
});
