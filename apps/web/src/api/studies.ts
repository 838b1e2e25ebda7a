import type { AbnormalFlag } from '@hub/contracts';
import { str } from './dicom-json';
import type { ApiClient } from './http';
import { firstPart } from './multipart-related';
import type { DicomJsonDataset, Study } from './types';

// Non-DICOM studies (POST /api/studies, libs/studies UploadStudyDto) and the waveforms of DICOM ECG studies.

export type UploadDiscipline = 'ecg' | 'lab' | 'pathology';

/** One lab value as the hub takes it (LabResultDto). */
export interface NewLabResult {
  itemCode: string;
  itemName: string;
  value: string;
  unit?: string;
  referenceRange?: string;
  abnormalFlag?: AbnormalFlag;
}

/** UploadStudyDto: who, what and when; files come as form parts or as completed resumable uploads. */
export interface NewStudy {
  patient: { localId: string; name: string; sex?: 'M' | 'F' | 'O' | 'U'; birthDate?: string };
  discipline: UploadDiscipline;
  examCode: string;
  /** ISO 8601 with a zone. */
  performedAt: string;
  accessionNumber?: string;
  description?: string;
  labResults?: NewLabResult[];
  /** Ids of completed tus uploads (/api/uploads) to attach. */
  resumableUploads?: string[];
}

/** Files a study whose files were sent beforehand through /api/uploads (or a lab study of typed-in values only). */
export function fileStudy(api: ApiClient, study: NewStudy): Promise<Study> {
  return api.post<Study>('/api/studies', study);
}

/** multipart/form-data: the metadata first (the hub requires that order), then the files, e.g. an HL7 v2 ORU^R01. */
export function uploadStudy(api: ApiClient, study: NewStudy, files: File[]): Promise<Study> {
  const form = new FormData();
  form.append('metadata', JSON.stringify(study));
  for (const file of files) form.append('files', file, file.name);
  return api.postForm<Study>('/api/studies', form);
}

const WAVEFORM_SOP_CLASS_PREFIX = '1.2.840.10008.5.1.4.1.1.9.';
const TAG_SOP_CLASS = '00080016';
const TAG_SOP_INSTANCE = '00080018';
const TAG_SERIES = '0020000E';

/** The Part 10 bytes of each waveform instance (12-lead ECG and other 1.2.840.10008.5.1.4.1.1.9.* classes) of a study. */
export async function waveformInstances(api: ApiClient, studyInstanceUid: string): Promise<Uint8Array[]> {
  const study = encodeURIComponent(studyInstanceUid);
  const rows = await api.get<DicomJsonDataset[]>(`/dicomweb/studies/${study}/instances`, {
    accept: 'application/dicom+json',
  });
  const waveforms = (rows ?? []).filter((r) => str(r, TAG_SOP_CLASS)?.startsWith(WAVEFORM_SOP_CLASS_PREFIX));
  const out: Uint8Array[] = [];
  for (const row of waveforms) {
    const series = encodeURIComponent(str(row, TAG_SERIES) ?? '');
    const sop = encodeURIComponent(str(row, TAG_SOP_INSTANCE) ?? '');
    const body = await api.getBlob(`/dicomweb/studies/${study}/series/${series}/instances/${sop}`, {
      accept: 'multipart/related; type="application/dicom"',
    });
    out.push(firstPart(new Uint8Array(await body.arrayBuffer())));
  }
  return out;
}
