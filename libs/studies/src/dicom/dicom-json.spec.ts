import { describe, expect, it } from '@jest/globals';
import {
  cs,
  da,
  dataset,
  firstNumber,
  firstString,
  is,
  lo,
  personNameJson,
  personNameString,
  pn,
  sq,
  TAGS,
  tm,
  ui,
  ur,
  us,
} from './dicom-json.js';

describe('DICOM JSON builders', () => {
  it('builds a STOW-RS ReferencedSOPSequence item', () => {
    const item = dataset(
      ui(TAGS.ReferencedSOPClassUID, '1.2.840.10008.5.1.4.1.1.2'),
      ui(TAGS.ReferencedSOPInstanceUID, '1.2.3.4'),
      ur(TAGS.RetrieveURL, 'https://hub.example/dicom-web/studies/1.2/series/1.3/instances/1.2.3.4'),
      us(TAGS.WarningReason, 0xb000),
    );
    expect(item).toEqual({
      '00081150': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] },
      '00081155': { vr: 'UI', Value: ['1.2.3.4'] },
      '00081190': { vr: 'UR', Value: ['https://hub.example/dicom-web/studies/1.2/series/1.3/instances/1.2.3.4'] },
      '00081196': { vr: 'US', Value: [45056] },
    });
    expect(sq(TAGS.ReferencedSOPSequence, [item])).toEqual({ '00081199': { vr: 'SQ', Value: [item] } });
  });

  it('writes empty attributes with their VR only', () => {
    expect(ui(TAGS.StudyInstanceUID)).toEqual({ '0020000D': { vr: 'UI' } });
    expect(lo(TAGS.PatientID, null)).toEqual({ '00100020': { vr: 'LO' } });
    expect(cs(TAGS.Modality, '')).toEqual({ '00080060': { vr: 'CS' } });
    expect(is(TAGS.SeriesNumber, Number.NaN)).toEqual({ '00200011': { vr: 'IS' } });
    expect(sq(TAGS.FailedSOPSequence, [])).toEqual({ '00081198': { vr: 'SQ' } });
    expect(pn(TAGS.PatientName, '^^')).toEqual({ '00100010': { vr: 'PN' } });
  });

  it('keeps multiple values', () => {
    expect(cs(TAGS.ModalitiesInStudy, 'CT', 'SR')).toEqual({ '00080061': { vr: 'CS', Value: ['CT', 'SR'] } });
    expect(is(TAGS.NumberOfStudyRelatedInstances, 12)).toEqual({ '00201208': { vr: 'IS', Value: [12] } });
  });

  it('turns ISO dates and times into DA and TM', () => {
    expect(da(TAGS.StudyDate, '2024-03-05')).toEqual({ '00080020': { vr: 'DA', Value: ['20240305'] } });
    expect(da(TAGS.PatientBirthDate, '19710123')).toEqual({ '00100030': { vr: 'DA', Value: ['19710123'] } });
    expect(tm(TAGS.StudyTime, '10:59:19')).toEqual({ '00080030': { vr: 'TM', Value: ['105919'] } });
  });

  it('splits a PN into component groups and back', () => {
    expect(pn(TAGS.PatientName, 'Wang^XiaoDong=王^小东=')).toEqual({
      '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Wang^XiaoDong', Ideographic: '王^小东' }] },
    });
    expect(personNameJson('=王^小东')).toEqual({ Ideographic: '王^小东' });
    expect(personNameJson('Doe^John^^^')).toEqual({ Alphabetic: 'Doe^John' });
    expect(personNameString({ Ideographic: '王^小东' })).toBe('=王^小东');
    expect(personNameString({ Alphabetic: 'Yamada^Tarou', Phonetic: 'やまだ^たろう' })).toBe(
      'Yamada^Tarou==やまだ^たろう',
    );
  });

  it('reads first values back', () => {
    const ds = dataset(pn(TAGS.PatientName, 'Doe^Jane'), us(TAGS.Rows, 512), lo(TAGS.PatientID));
    expect(firstString(ds, TAGS.PatientName)).toBe('Doe^Jane');
    expect(firstNumber(ds, TAGS.Rows)).toBe(512);
    expect(firstString(ds, TAGS.PatientID)).toBeNull();
    expect(firstNumber(ds, TAGS.Columns)).toBeNull();
  });

  it('uses the standard tags', () => {
    expect(TAGS).toMatchObject({
      RetrieveURL: '00081190',
      ReferencedSOPSequence: '00081199',
      FailedSOPSequence: '00081198',
      FailureReason: '00081197',
      ModalitiesInStudy: '00080061',
      NumberOfStudyRelatedSeries: '00201206',
      NumberOfSeriesRelatedInstances: '00201209',
      IssuerOfPatientID: '00100021',
      TransferSyntaxUID: '00020010',
    });
  });
});
