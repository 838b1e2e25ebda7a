import type { DicomJsonDataset } from '../dicom/parsed-instance.js';
import type { InstanceResult } from '../ingest/instance-ingest.service.js';
import { instanceUrl, studyUrl } from './dicomweb-paths.js';

const TAG = {
  RetrieveURL: '00081190',
  FailedSOPSequence: '00081198',
  ReferencedSOPSequence: '00081199',
  ReferencedSOPClassUID: '00081150',
  ReferencedSOPInstanceUID: '00081155',
  FailureReason: '00081197',
  // Not part of the STOW response model, but what DIMSE uses for a readable reason; clients ignore unknown tags.
  ErrorComment: '00000902',
} as const;

/** PS3.18 §10.5.3: 200 all stored, 202 some failed, 409 none stored; the body lists both. */
export function stowResponse(base: string, results: InstanceResult[]): { status: number; body: DicomJsonDataset } {
  const referenced = results.flatMap((r) => (r.ok ? [r.parsed] : []));
  const failed = results.flatMap((r) => (r.ok ? [] : [r]));
  const body: DicomJsonDataset = {};
  const studies = new Set(referenced.map((p) => p.studyInstanceUid));
  if (studies.size === 1) body[TAG.RetrieveURL] = { vr: 'UR', Value: [studyUrl(base, [...studies][0]!)] };
  if (failed.length > 0) {
    body[TAG.FailedSOPSequence] = {
      vr: 'SQ',
      Value: failed.map((f) => ({
        ...(f.sopClassUid ? { [TAG.ReferencedSOPClassUID]: { vr: 'UI', Value: [f.sopClassUid] } } : {}),
        ...(f.sopInstanceUid ? { [TAG.ReferencedSOPInstanceUID]: { vr: 'UI', Value: [f.sopInstanceUid] } } : {}),
        [TAG.FailureReason]: { vr: 'US', Value: [f.reason] },
        [TAG.ErrorComment]: { vr: 'LO', Value: [f.message] },
      })),
    };
  }
  if (referenced.length > 0) {
    body[TAG.ReferencedSOPSequence] = {
      vr: 'SQ',
      Value: referenced.map((p) => ({
        [TAG.ReferencedSOPClassUID]: { vr: 'UI', Value: [p.sopClassUid] },
        [TAG.ReferencedSOPInstanceUID]: { vr: 'UI', Value: [p.sopInstanceUid] },
        [TAG.RetrieveURL]: {
          vr: 'UR',
          Value: [instanceUrl(base, p.studyInstanceUid, p.seriesInstanceUid, p.sopInstanceUid)],
        },
      })),
    };
  }
  const status = failed.length === 0 ? 200 : referenced.length === 0 ? 409 : 202;
  return { status, body };
}
