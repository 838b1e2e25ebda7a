import { num, str } from '../api/dicom-json';
import type { ApiClient } from '../api/http';
import type { DicomJsonDataset } from '../api/types';

const TAG = {
  Modality: '00080060',
  SeriesDescription: '0008103E',
  SeriesInstanceUID: '0020000E',
  SeriesNumber: '00200011',
  SOPInstanceUID: '00080018',
  InstanceNumber: '00200013',
  NumberOfFrames: '00280008',
  Rows: '00280010',
  Columns: '00280011',
} as const;

/** One displayable image of a series: a frame (1-based) of an instance. */
export interface ImageRef {
  sopInstanceUid: string;
  frame: number;
  rows: number | null;
  columns: number | null;
}

export interface SeriesStack {
  seriesInstanceUid: string;
  seriesNumber: number | null;
  modality: string | null;
  description: string | null;
  images: ImageRef[];
}

const qido = (api: ApiClient, path: string) =>
  api
    .get<DicomJsonDataset[]>(path, { accept: 'application/dicom+json', query: { limit: 1000 } })
    .then((rows) => rows ?? []);

const byNumber = (a: number | null, b: number | null) =>
  (a ?? Number.MAX_SAFE_INTEGER) - (b ?? Number.MAX_SAFE_INTEGER);

/** The image series of a study (QIDO-RS), each with its frames in instance-number order; series without images left out. */
export async function loadStudySeries(api: ApiClient, studyInstanceUid: string): Promise<SeriesStack[]> {
  const study = `/dicomweb/studies/${encodeURIComponent(studyInstanceUid)}`;
  const series = await qido(api, `${study}/series`);
  const stacks = await Promise.all(
    series.map(async (s): Promise<SeriesStack> => {
      const seriesInstanceUid = str(s, TAG.SeriesInstanceUID) ?? '';
      const instances = await qido(api, `${study}/series/${encodeURIComponent(seriesInstanceUid)}/instances`);
      const sorted = instances
        .map((i) => ({ ds: i, n: num(i, TAG.InstanceNumber) }))
        .sort((a, b) => byNumber(a.n, b.n))
        .map((i) => i.ds);
      return {
        seriesInstanceUid,
        seriesNumber: num(s, TAG.SeriesNumber),
        modality: str(s, TAG.Modality),
        description: str(s, TAG.SeriesDescription),
        images: sorted.flatMap((i) => {
          const sopInstanceUid = str(i, TAG.SOPInstanceUID);
          // Instances without Rows hold no image (a structured report, a waveform).
          if (!sopInstanceUid || num(i, TAG.Rows) === null) return [];
          const frames = Math.max(1, num(i, TAG.NumberOfFrames) ?? 1);
          return Array.from({ length: frames }, (_, f) => ({
            sopInstanceUid,
            frame: f + 1,
            rows: num(i, TAG.Rows),
            columns: num(i, TAG.Columns),
          }));
        }),
      };
    }),
  );
  return stacks.filter((s) => s.images.length > 0).sort((a, b) => byNumber(a.seriesNumber, b.seriesNumber));
}

/** The WADO-RS path of an instance. */
export function instancePath(studyInstanceUid: string, seriesInstanceUid: string, sopInstanceUid: string): string {
  const e = encodeURIComponent;
  return `/dicomweb/studies/${e(studyInstanceUid)}/series/${e(seriesInstanceUid)}/instances/${e(sopInstanceUid)}`;
}
