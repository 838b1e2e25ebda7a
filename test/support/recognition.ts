import request from 'supertest';
import { postAs } from './http.js';
import { uploadEcgStudy } from './reading.js';
import type { Tenant } from './tenant.js';
import type { TestApp } from './test-app.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** A valid resident identity number (GB 11643) for a test person: region 110105, born 1960-01-01, serial `n`. */
export function residentId(n: number): string {
  const body = `11010519600101${String(n % 1000).padStart(3, '0')}`;
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(body[i]), 0);
  return body + '10X98765432'[sum % 11]!;
}

/**
 * A 12-lead ECG uploaded by `clinicToken` for the person with `nationalId`, read and signed by the tenant's centre
 * (two-step: the reader drafts and submits, the senior signs). Resolves to the study, patient and report ids.
 */
export async function signedEcg(
  t: TestApp,
  tenant: Tenant,
  clinicToken: string,
  person: { localId: string; nationalId: string; performedAt: Date },
  /** The request's exam code, when not the study's own (ECG-12). */
  examCode?: string,
): Promise<{ studyId: string; patientId: string; reportId: string }> {
  const studyId = await uploadEcgStudy(t, clinicToken, person.localId, {
    patient: {
      name: '互认^测试',
      sex: 'F',
      birthDate: '1960-01-01',
      localId: person.localId,
      nationalId: person.nationalId,
    },
    performedAt: person.performedAt.toISOString(),
  });
  const req = await postAs(t, '/api/requests', clinicToken, { studyId, priority: 'stat', examCode }).expect(201);
  const taskId = req.body.task.id as string;
  const claim = async (token: string, stage: 'read' | 'review') => {
    const res = await postAs(t, `/api/centres/${tenant.centreIds.ecg}/claim`, token, { stage }).expect(200);
    if (res.body.id !== taskId) throw new Error('another task was in the ECG queue');
    return res.body.fencingToken as number;
  };
  const fencingToken = await claim(tenant.tokens.reader, 'read');
  await request(t.http)
    .put(`/api/tasks/${taskId}/report`)
    .auth(tenant.tokens.reader, { type: 'bearer' })
    .send({ fencingToken, findings: '窦性心律，心率 70 次/分。', impression: '正常心电图' })
    .expect(200);
  await postAs(t, `/api/tasks/${taskId}/submit`, tenant.tokens.reader, { fencingToken }).expect(200);
  const review = await claim(tenant.tokens.senior_reader, 'review');
  const signed = await postAs(t, `/api/tasks/${taskId}/sign`, tenant.tokens.senior_reader, {
    fencingToken: review,
  }).expect(200);
  return { studyId, patientId: req.body.patientId as string, reportId: signed.body.report.id as string };
}
