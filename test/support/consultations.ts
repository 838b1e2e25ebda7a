import request from 'supertest';
import { addUser, uploadEcgStudy } from './reading.js';
import type { Tenant } from './tenant.js';
import type { TestApp } from './test-app.js';

let seq = 0;

async function call(t: TestApp, method: 'post' | 'put', path: string, token: string, body: object, status = 200) {
  const res = await request(t.http)[method](path).auth(token, { type: 'bearer' }).send(body);
  if (res.status !== status)
    throw new Error(`${method.toUpperCase()} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; state: string; patientId: string };
}

export interface ConsultationFixture {
  id: string;
  patientId: string;
  studyId: string;
  /** The requesting clinic doctor (the tenant's clinic_doctor). */
  requester: { id: string; token: string };
  /** Invited specialists made for the consultation (username and password for a browser login). */
  chair: { id: string; token: string; username: string; password: string };
  specialist: { id: string; token: string; username: string; password: string };
  coordinator: { id: string; token: string };
}

/**
 * A consultation made through the API: requested by the tenant's clinic doctor with one attached study (an ECG
 * uploaded for it, unless `studyId` names one of the clinic's) and the consent recorded, a chair and a specialist invited (two new specialist users), scheduled, and, unless `state` is
 * 'scheduled', started (live).
 */
export async function openConsultation(
  t: TestApp,
  tenant: Tenant,
  opts: { state?: 'scheduled' | 'live'; kind?: 'remote' | 'mdt'; studyId?: string } = {},
): Promise<ConsultationFixture> {
  const n = ++seq;
  const doctor = tenant.tokens.clinic_doctor;
  const studyId = opts.studyId ?? (await uploadEcgStudy(t, doctor, `MDT-${tenant.code}-${n}`));
  const study = await request(t.http).get(`/api/studies/${studyId}`).auth(doctor, { type: 'bearer' });
  const patientId = study.body.patientId as string;
  const created = await call(
    t,
    'post',
    '/api/consultations',
    doctor,
    {
      kind: opts.kind ?? 'mdt',
      patientId,
      question: '胸痛待查，是否需要介入治疗？',
      caseSummary: '男，62岁，反复胸痛3天。',
      studyIds: [studyId],
      requestedSpecialties: ['心内科', '影像科'],
      consent: { note: '患者已签署知情同意书' },
    },
    201,
  );
  const chair = await addUser(t, tenant, { role: 'specialist' });
  const specialist = await addUser(t, tenant, { role: 'specialist' });
  const coordinator = tenant.tokens.coordinator;
  const base = `/api/consultations/${created.id}`;
  await call(t, 'post', `${base}/invitations`, coordinator, { userId: chair.id, role: 'chair', specialty: '心内科' });
  await call(t, 'post', `${base}/invitations`, coordinator, { userId: specialist.id, specialty: '影像科' });
  await call(t, 'post', `${base}/schedule`, coordinator, {
    scheduledAt: new Date(Date.now() + 3600_000).toISOString(),
  });
  if (opts.state !== 'scheduled') await call(t, 'post', `${base}/start`, coordinator, {});
  return {
    id: created.id,
    patientId,
    studyId,
    requester: { id: tenant.userIds.clinic_doctor, token: doctor },
    chair,
    specialist,
    coordinator: { id: tenant.userIds.coordinator, token: coordinator },
  };
}
