import { studyFile } from '../api/endpoints';
import type { ApiClient } from '../api/http';
import { waveformInstances } from '../api/studies';
import type { Study } from '../api/types';
import { parseAecg } from './aecg';
import { parseDicomWaveform } from './dicom-waveform';
import type { EcgWaveform } from './waveform';

/**
 * The drawable waveform of an ECG study: its first DICOM waveform instance (over WADO-RS), else its first HL7 aECG
 * file; null when it has neither (e.g. a PDF tracing only, which the file list opens).
 */
export async function loadEcgWaveform(api: ApiClient, study: Study): Promise<EcgWaveform | null> {
  if (study.studyInstanceUid) {
    for (const part10 of await waveformInstances(api, study.studyInstanceUid)) {
      const waveform = parseDicomWaveform(part10);
      if (waveform) return waveform;
    }
  }
  const aecg = study.files.find((f) => f.format === 'hl7-aecg');
  if (aecg) return parseAecg(await (await studyFile(api, study.id, aecg.id)).text());
  return null;
}
