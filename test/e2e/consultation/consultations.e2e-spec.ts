import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { openConsultation } from '../../support/consultations.js';
import { getAs, postAs } from '../../support/http.js';
import { addUser, uploadEcgStudy } from '../../support/reading.js';
import { residentId, signedEcg } from '../../support/recognition.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

describe('Consultations (REST): request, consent, invitations, schedule, live, conclusion', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let n = 0;
  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = [await createTenant(t), await createTenant(t)];
  });
  afterAll(async () => {
    await t?.close();
  });

  const putAs = (path: string, token: string, body: object) =>
    request(t.http).put(path).auth(token, { type: 'bearer' }).send(body);
  const studyOf = async (tenant: Tenant, token = tenant.tokens.clinic_doctor) => {
    const studyId = await uploadEcgStudy(t, token, `CONS-${++n}`);
    const study = await getAs(t, `/api/studies/${studyId}`, token).expect(200);
    return { studyId, patientId: study.body.patientId as string };
  };
  const request_ = (tenant: Tenant, body: object) =>
    postAs(t, '/api/consultations', tenant.tokens.clinic_doctor, {
      kind: 'remote',
      question: '是否需要转诊？',
      caseSummary: '女，45岁，心悸一周。',
      ...body,
    });
  const auditCount = async (action: string, objectId: string, outcome = 'success') => {
    const [row] = await t.sql<{ n: number }>(
      'SELECT count(*)::int AS n FROM audit_events WHERE action = $1 AND object_id = $2 AND outcome = $3',
      [action, objectId, outcome],
    );
    return row!.n;
  };

  it('a clinic doctor requests one with the patient’s studies; the request is audited', async () => {
    const { studyId, patientId } = await studyOf(a);
    const res = await request_(a, { patientId, studyIds: [studyId], requestedSpecialties: ['心内科'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'remote',
      state: 'requested',
      patientId,
      requestingInstitutionId: expect.any(String),
      consentRecordedAt: null,
      conclusion: { signed: false, text: null },
    });
    expect(await auditCount('consultation.create', res.body.id)).toBe(1);
    const view = await getAs(t, `/api/consultations/${res.body.id}`, a.tokens.clinic_doctor).expect(200);
    expect(view.body.yourRole).toBe('requester');
    expect(view.body.materials).toEqual([expect.objectContaining({ studyId, discipline: 'ecg', reportIds: [] })]);
    expect(view.body.participants).toEqual([
      expect.objectContaining({ userId: a.userIds.clinic_doctor, role: 'requester' }),
    ]);
  });

  it('refuses bad input with messages a person can act on, and stores nothing', async () => {
    const { studyId, patientId } = await studyOf(a);
    const before = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM consultations');
    const cases: [object, number, RegExp][] = [
      [{ patientId, kind: 'phone' }, 400, /kind must be one of/],
      [{ patientId: 'x' }, 400, /patientId/],
      [{ patientId, question: '' }, 400, /question/],
      [{ patientId, question: 42 }, 400, /question/],
      [{ patientId, caseSummary: 'x'.repeat(20_001) }, 400, /caseSummary/],
      [{ patientId, studyIds: 'all' }, 400, /studyIds/],
      [{ patientId, studyIds: Array.from({ length: 51 }, () => studyId) }, 400, /studyIds/],
      [{ patientId, proposedAt: 'tomorrow' }, 400, /proposedAt/],
      [{ patientId: '00000000-0000-4000-8000-000000000000' }, 404, /Patient/],
    ];
    for (const [body, status, message] of cases) {
      const res = await request_(a, body);
      expect({ body, status: res.status }).toEqual({ body, status });
      expect(res.body.message).toMatch(message);
    }
    // Another patient's study, and a study of another institution.
    const other = await studyOf(a);
    const wrongPatient = await request_(a, { patientId, studyIds: [other.studyId] });
    expect(wrongPatient.status).toBe(422);
    expect(wrongPatient.body.message).toMatch(/not of this patient/);
    const bStudy = await studyOf(b);
    expect((await request_(a, { patientId, studyIds: [bStudy.studyId] })).status).toBe(404);
    // Wrong role: readers and specialists do not request consultations.
    const byReader = await postAs(t, '/api/consultations', a.tokens.reader, {
      kind: 'remote',
      patientId,
      question: 'q',
      caseSummary: 's',
    });
    expect(byReader.status).toBe(403);
    const after = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM consultations');
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('needs the recorded consent before scheduling; only coordinators invite and schedule', async () => {
    const { studyId, patientId } = await studyOf(a);
    const created = await request_(a, { patientId, studyIds: [studyId] }).expect(201);
    const base = `/api/consultations/${created.body.id}`;
    const at = { scheduledAt: new Date(Date.now() + 86_400_000).toISOString() };
    const early = await postAs(t, `${base}/schedule`, a.tokens.coordinator, at);
    expect(early.status).toBe(409);
    expect(early.body.message).toMatch(/informed consent is not recorded/);
    expect((await postAs(t, `${base}/schedule`, a.tokens.clinic_doctor, at)).status).toBe(403);
    expect((await postAs(t, `${base}/consent`, a.tokens.coordinator, {})).status).toBe(403);
    const consent = await postAs(t, `${base}/consent`, a.tokens.clinic_doctor, { note: '家属代签' }).expect(200);
    expect(consent.body.consentRecordedAt).not.toBeNull();
    expect((await postAs(t, `${base}/schedule`, a.tokens.coordinator, { scheduledAt: 'soon' })).status).toBe(400);
    const scheduled = await postAs(t, `${base}/schedule`, a.tokens.coordinator, at).expect(200);
    expect(scheduled.body.state).toBe('scheduled');

    const specialist = await addUser(t, a, { role: 'specialist' });
    const byClinic = await postAs(t, `${base}/invitations`, a.tokens.clinic_doctor, { userId: specialist.id });
    expect(byClinic.status).toBe(403);
    const reader = await postAs(t, `${base}/invitations`, a.tokens.coordinator, { userId: a.userIds.reader });
    expect(reader.status).toBe(422);
    expect(reader.body.message).toMatch(/specialist role/);
    const foreign = await postAs(t, `${base}/invitations`, a.tokens.coordinator, { userId: b.userIds.specialist });
    expect(foreign.status).toBe(404);
    expect((await postAs(t, `${base}/invitations`, a.tokens.coordinator, { userId: 'x' })).status).toBe(400);
    expect(
      (await postAs(t, `${base}/invitations`, a.tokens.coordinator, { userId: specialist.id, role: 'boss' })).status,
    ).toBe(400);
    await postAs(t, `${base}/invitations`, a.tokens.coordinator, { userId: specialist.id, role: 'chair' }).expect(200);
    const again = await postAs(t, `${base}/invitations`, a.tokens.coordinator, { userId: specialist.id });
    expect(again.status).toBe(409);
    const second = await addUser(t, a, { role: 'specialist' });
    const twoChairs = await postAs(t, `${base}/invitations`, a.tokens.coordinator, {
      userId: second.id,
      role: 'chair',
    });
    expect(twoChairs.status).toBe(409);
    expect(twoChairs.body.message).toMatch(/already has a chair/);
  });

  it('gives invited specialists exactly the attached studies while it lasts, and nothing else of the patient', async () => {
    const c = await openConsultation(t, a);
    // Another study of the same patient, not attached.
    const otherStudy = await uploadEcgStudy(t, a.tokens.clinic_doctor, `MDT-${a.code}-1`, {});
    await getAs(t, `/api/studies/${c.studyId}`, c.specialist.token).expect(200);
    expect((await getAs(t, `/api/studies/${otherStudy}`, c.specialist.token)).status).toBe(403);
    expect((await getAs(t, `/api/patients/${c.patientId}`, c.specialist.token)).status).toBe(403);
    // An uninvited specialist sees neither the consultation nor its study.
    const outsider = await addUser(t, a, { role: 'specialist' });
    expect((await getAs(t, `/api/consultations/${c.id}`, outsider.token)).status).toBe(403);
    expect((await getAs(t, `/api/studies/${c.studyId}`, outsider.token)).status).toBe(403);
    expect(await auditCount('consultation.read', c.id, 'denied')).toBeGreaterThan(0);
    // Another consortium's coordinator neither.
    expect((await getAs(t, `/api/consultations/${c.id}`, b.tokens.coordinator)).status).toBe(403);

    // Withdrawn: access ends at once.
    await request(t.http)
      .delete(`/api/consultations/${c.id}/invitations/${c.specialist.id}`)
      .auth(a.tokens.coordinator, { type: 'bearer' })
      .expect(200);
    expect((await getAs(t, `/api/studies/${c.studyId}`, c.specialist.token)).status).toBe(403);
    expect((await getAs(t, `/api/consultations/${c.id}`, c.specialist.token)).status).toBe(403);

    // The chair drafts and signs; the coordinator ends it; the chair's access ends with it.
    const base = `/api/consultations/${c.id}`;
    expect((await putAs(`${base}/conclusion`, c.requester.token, { text: '建议冠脉造影' })).status).toBe(403);
    expect((await putAs(`${base}/conclusion`, c.chair.token, { text: '' })).status).toBe(400);
    expect((await postAs(t, `${base}/end`, a.tokens.coordinator, {})).status).toBe(409);
    expect((await postAs(t, `${base}/conclusion/sign`, c.chair.token, {})).status).toBe(409);
    await putAs(`${base}/conclusion`, c.chair.token, { text: '建议冠脉造影，择期介入治疗。' }).expect(200);
    const signed = await postAs(t, `${base}/conclusion/sign`, c.chair.token, {}).expect(200);
    expect(signed.body.conclusion).toMatchObject({
      text: '建议冠脉造影，择期介入治疗。',
      signed: true,
      signedBy: c.chair.id,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect((await putAs(`${base}/conclusion`, c.chair.token, { text: '改' })).status).toBe(409);
    expect((await postAs(t, `${base}/conclusion/sign`, c.chair.token, {})).status).toBe(409);
    await expect(t.sql(`UPDATE consultations SET conclusion_text = 'forged' WHERE id = $1`, [c.id])).rejects.toThrow(
      /signed conclusion/,
    );
    const ended = await postAs(t, `${base}/end`, a.tokens.coordinator, {}).expect(200);
    expect(ended.body.state).toBe('concluded');
    expect((await getAs(t, `/api/studies/${c.studyId}`, c.chair.token)).status).toBe(403);
    // The requesting clinic still reads the conclusion.
    const view = await getAs(t, base, c.requester.token).expect(200);
    expect(view.body.conclusion.signed).toBe(true);
    for (const action of ['consultation.invite', 'consultation.schedule', 'consultation.start', 'consultation.end']) {
      expect(await auditCount(action, c.id)).toBeGreaterThan(0);
    }
  });

  it('shows invited specialists the signed reports of the attached studies, not those of others', async () => {
    const ecg = await signedEcg(t, a, a.tokens.clinic_doctor, {
      localId: `CONS-R-${++n}`,
      nationalId: residentId(9100 + n),
      performedAt: new Date(),
    });
    const created = await request_(a, { patientId: ecg.patientId, studyIds: [ecg.studyId], consent: {} }).expect(201);
    const specialist = await addUser(t, a, { role: 'specialist' });
    expect((await getAs(t, `/api/reports/${ecg.reportId}`, specialist.token)).status).toBe(403);
    await postAs(t, `/api/consultations/${created.body.id}/invitations`, a.tokens.coordinator, {
      userId: specialist.id,
    }).expect(200);
    const view = await getAs(t, `/api/consultations/${created.body.id}`, specialist.token).expect(200);
    expect(view.body.materials[0].reportIds).toEqual([ecg.reportId]);
    const report = await getAs(t, `/api/reports/${ecg.reportId}`, specialist.token).expect(200);
    expect(report.body.status).toBe('signed');
  });

  it('cancels before it starts (requester or coordinator), not once live; lists by who you are', async () => {
    const scheduled = await openConsultation(t, a, { state: 'scheduled' });
    const live = await openConsultation(t, a);
    expect((await postAs(t, `/api/consultations/${scheduled.id}/cancel`, a.tokens.clinic_doctor, {})).status).toBe(400);
    const cancelled = await postAs(t, `/api/consultations/${scheduled.id}/cancel`, a.tokens.clinic_doctor, {
      reason: '患者已转院',
    }).expect(200);
    expect(cancelled.body).toMatchObject({ state: 'cancelled', cancelReason: '患者已转院' });
    expect((await getAs(t, `/api/studies/${scheduled.studyId}`, scheduled.specialist.token)).status).toBe(403);
    const refused = await postAs(t, `/api/consultations/${live.id}/cancel`, a.tokens.coordinator, { reason: 'x' });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/already live/);

    const mine = await getAs(t, '/api/consultations?state=live', live.specialist.token).expect(200);
    expect(mine.body.items.map((c: { id: string }) => c.id)).toEqual([live.id]);
    const coordinators = await getAs(t, '/api/consultations', a.tokens.coordinator).expect(200);
    expect(coordinators.body.items.map((c: { id: string }) => c.id)).toEqual(
      expect.arrayContaining([live.id, scheduled.id]),
    );
    const otherTenant = await getAs(t, '/api/consultations', b.tokens.coordinator).expect(200);
    expect(otherTenant.body.items).toEqual([]);
    expect((await getAs(t, '/api/consultations?state=open', a.tokens.coordinator)).status).toBe(400);
    expect((await getAs(t, '/api/consultations', null)).status).toBe(401);
  });
});
