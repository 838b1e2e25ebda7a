import { describe, expect, it } from '@jest/globals';
import { readStudyFind, studyFindAnswer } from './find-identifier.js';

describe('readStudyFind', () => {
  it('turns attributes with values into matching keys and keeps every attribute as a return key', () => {
    const find = readStudyFind({
      QueryRetrieveLevel: 'STUDY',
      SpecificCharacterSet: 'ISO_IR 192',
      PatientID: 'P-001',
      PatientName: [{ Alphabetic: 'ZHANG*' }],
      StudyDate: '20260101-20260131',
      StudyInstanceUID: '',
      StudyTime: '',
    });
    expect(find.level).toBe('STUDY');
    expect(find.matching).toEqual({ PatientID: 'P-001', PatientName: 'ZHANG*', StudyDate: '20260101-20260131' });
    expect(find.returnKeys).toEqual(['PatientID', 'PatientName', 'StudyDate', 'StudyInstanceUID', 'StudyTime']);
  });

  it("treats '*' as no condition and lists of UIDs as list matching", () => {
    const find = readStudyFind({
      QueryRetrieveLevel: 'STUDY',
      PatientName: '*',
      StudyInstanceUID: ['1.2.3', '1.2.4'],
      ModalitiesInStudy: ['CT', 'SR'],
    });
    expect(find.matching).toEqual({ StudyInstanceUID: '1.2.3\\1.2.4', ModalitiesInStudy: 'CT' });
  });

  it('leaves optional keys the hub cannot match on (e.g. PatientBirthDate) as return keys only', () => {
    const find = readStudyFind({ QueryRetrieveLevel: 'STUDY', PatientBirthDate: '19800101' });
    expect(find.matching).toEqual({});
    expect(find.returnKeys).toEqual(['PatientBirthDate']);
  });
});

describe('studyFindAnswer', () => {
  const study = {
    '00080020': { vr: 'DA', Value: ['20260105'] },
    '00080050': { vr: 'SH' },
    '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Zhang^San', Ideographic: '张^三' }] },
    '00100020': { vr: 'LO', Value: ['P-001'] },
    '0020000D': { vr: 'UI', Value: ['1.2.3'] },
    '00201208': { vr: 'IS', Value: [12] },
  };

  it('answers exactly the keys asked for, empty where the hub has no value', () => {
    const answer = studyFindAnswer(study, ['PatientID', 'StudyInstanceUID', 'AccessionNumber', 'StudyTime']);
    expect(answer).toEqual({
      SpecificCharacterSet: 'ISO_IR 192',
      QueryRetrieveLevel: 'STUDY',
      PatientID: 'P-001',
      StudyInstanceUID: '1.2.3',
      AccessionNumber: '',
      StudyTime: '',
    });
  });

  it('keeps Chinese names (ideographic component) and counts', () => {
    const answer = studyFindAnswer(study, ['PatientName', 'NumberOfStudyRelatedInstances']);
    expect(answer.PatientName).toEqual([{ Alphabetic: 'Zhang^San', Ideographic: '张^三' }]);
    expect(answer.NumberOfStudyRelatedInstances).toBe(12);
  });
});
