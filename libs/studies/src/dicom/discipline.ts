import type { Discipline } from '@hub/core';

/** Waveform storage SOP classes (PS3.4 annex A.34): ECG, hemodynamic, electrophysiology, and the other waveforms. */
const WAVEFORM_SOP_CLASS_PREFIX = '1.2.840.10008.5.1.4.1.1.9.';
const WHOLE_SLIDE_MICROSCOPY_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.77.1.6';
// EPS is the modality of Cardiac Electrophysiology Waveform instances, read by the same team as ECGs.
const WAVEFORM_MODALITIES = new Set(['ECG', 'HD', 'EPS']);

/** Which reading team an instance goes to; no DICOM object is 'lab' (results arrive by other routes). */
export function classifyDiscipline(sopClassUid: string | null, modality: string | null): Discipline {
  const normalizedModality = modality?.trim().toUpperCase() ?? '';
  const sopClass = sopClassUid?.trim() ?? '';
  if (sopClass.startsWith(WAVEFORM_SOP_CLASS_PREFIX) || WAVEFORM_MODALITIES.has(normalizedModality)) return 'ecg';
  if (sopClass === WHOLE_SLIDE_MICROSCOPY_SOP_CLASS || normalizedModality === 'SM') return 'pathology';
  return 'imaging';
}
