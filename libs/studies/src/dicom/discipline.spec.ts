import { describe, expect, it } from '@jest/globals';
import { classifyDiscipline } from './discipline.js';

describe('classifyDiscipline', () => {
  it.each([
    ['12-lead ECG', '1.2.840.10008.5.1.4.1.1.9.1.1'],
    ['general ECG', '1.2.840.10008.5.1.4.1.1.9.1.2'],
    ['ambulatory ECG', '1.2.840.10008.5.1.4.1.1.9.1.3'],
    ['general 32-bit ECG', '1.2.840.10008.5.1.4.1.1.9.1.4'],
    ['hemodynamic', '1.2.840.10008.5.1.4.1.1.9.2.1'],
    ['cardiac electrophysiology', '1.2.840.10008.5.1.4.1.1.9.3.1'],
    ['arterial pulse', '1.2.840.10008.5.1.4.1.1.9.5.1'],
    ['respiratory', '1.2.840.10008.5.1.4.1.1.9.6.1'],
  ])('sends %s waveforms to ecg', (_name, sopClassUid) => {
    expect(classifyDiscipline(sopClassUid, null)).toBe('ecg');
  });

  it.each(['ECG', 'HD', 'EPS', 'ecg '])('sends modality %p to ecg whatever the SOP class', (modality) => {
    expect(classifyDiscipline('1.2.840.10008.5.1.4.1.1.7', modality)).toBe('ecg');
  });

  it('sends whole slide microscopy and modality SM to pathology', () => {
    expect(classifyDiscipline('1.2.840.10008.5.1.4.1.1.77.1.6', null)).toBe('pathology');
    expect(classifyDiscipline('1.2.840.10008.5.1.4.1.1.77.1.6', 'SM')).toBe('pathology');
    expect(classifyDiscipline('1.2.840.10008.5.1.4.1.1.7', 'SM')).toBe('pathology');
  });

  it.each([
    ['CT', '1.2.840.10008.5.1.4.1.1.2', 'CT'],
    ['MR', '1.2.840.10008.5.1.4.1.1.4', 'MR'],
    ['CR', '1.2.840.10008.5.1.4.1.1.1', 'CR'],
    ['US multi-frame', '1.2.840.10008.5.1.4.1.1.3.1', 'US'],
    ['VL microscopic (not whole slide)', '1.2.840.10008.5.1.4.1.1.77.1.2', 'GM'],
    ['a look-alike of the waveform root', '1.2.840.10008.5.1.4.1.1.90', 'OT'],
    ['nothing known', null, null],
  ])('sends %s to imaging', (_name, sopClassUid, modality) => {
    expect(classifyDiscipline(sopClassUid, modality)).toBe('imaging');
  });
});
