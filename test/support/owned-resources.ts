import { readFile } from 'node:fs/promises';
import request from 'supertest';
import { dicomFixture } from '../fixtures/dicom-fixtures.js';
import { openConsultation } from './consultations.js';
import { multipartRelated, stowContentType } from './dicomweb.js';
import { residentId, signedEcg } from './recognition.js';
import { fillPath } from './route-table.js';
import type { Tenant } from './tenant.js';
import type { TestApp } from './test-app.js';

/** One of everything a route can name, all of one consortium: for suites that walk the route table. */
export interface OwnedResources {
  /** `resource:param` (e.g. `tasks:id`, `consultations:userId`) → the id. */
  ids: Record<string, string>;
  dicom: { study: string; series: string; instance: string };
  /** The ids of the patient data, to look for in answers. */
  patientDataIds: string[];
  /** The chair of a scheduled consultation with the signed ECG attached. */
  chairToken: string;
  /** The exam code of the signed ECG (a recognition catalogue item). */
  item: string;
}

/**
 * A signed ECG (study, file, request, task, report, patient), a CT sent by STOW-RS and a scheduled consultation, all of
 * tenant `a`, made through the API.
 */
export async function seedOwnedResources(t: TestApp, a: Tenant, localId = 'OWNED-1'): Promise<OwnedResources> {
  const ecg = await signedEcg(t, a, a.tokens.clinic_doctor, {
    localId,
    nationalId: residentId(771),
    performedAt: new Date(),
  });
  const [reading] = await t.sql<{ request_id: string; task_id: string; file_id: string; exam_code: string }>(
    `SELECT r.id AS request_id, k.id AS task_id, f.id AS file_id, s.exam_code
       FROM reading_requests r JOIN reading_tasks k ON k.request_id = r.id
       JOIN studies s ON s.id = r.study_id JOIN study_files f ON f.study_id = s.id
      WHERE r.study_id = $1`,
    [ecg.studyId],
  );
  const ct = dicomFixture('ct-small.dcm');
  await request(t.http)
    .post('/dicomweb/studies')
    .set('Content-Type', stowContentType('m'))
    .auth(a.tokens.clinic_technician, { type: 'bearer' })
    .send(multipartRelated([{ body: await readFile(ct.path) }], 'm'))
    .expect(200);
  const dicom = { study: ct.studyInstanceUid, series: ct.seriesInstanceUid, instance: ct.sopInstanceUid };
  const consultation = await openConsultation(t, a, { state: 'scheduled', studyId: ecg.studyId });
  return {
    ids: {
      'studies:id': ecg.studyId,
      'studies:fileId': reading!.file_id,
      'requests:id': reading!.request_id,
      'tasks:id': reading!.task_id,
      'reports:id': ecg.reportId,
      'patients:id': ecg.patientId,
      'consultations:id': consultation.id,
      'consultations:userId': consultation.chair.id,
      'centres:id': a.centreIds.ecg,
      'consortia:id': a.consortiumId,
      'institutions:id': a.clinicIds[0],
      'institutions:institutionId': a.clinicIds[0],
      'users:id': a.userIds.clinic_doctor,
    },
    dicom,
    patientDataIds: [ecg.studyId, ecg.patientId, reading!.request_id, ecg.reportId, consultation.id, dicom.study],
    chairToken: consultation.chair.token,
    item: reading!.exam_code,
  };
}

/** The owned id for this parameter of this Express path template, or undefined when it names none. */
export function ownedValue(owned: OwnedResources, param: string, path: string): string | undefined {
  if (path.startsWith('/dicomweb')) return owned.dicom[param as keyof OwnedResources['dicom']];
  const resource = path.split('/')[2];
  return owned.ids[`${resource}:${param}`];
}

/** The path with each parameter filled with the owned id, or `fallback(param)` where none is owned. */
export function ownedPath(owned: OwnedResources, path: string, fallback: (param: string) => string): string {
  return fillPath(path, (param, p) => ownedValue(owned, param, p) ?? fallback(param));
}
