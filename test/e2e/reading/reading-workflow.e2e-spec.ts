import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { collectBytes, getAs, postAs } from '../../support/http.js';
import { addUser, uploadEcgStudy } from '../../support/reading.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

const putAs = (t: TestApp, path: string, token: string, body: object) =>
  request(t.http).put(path).auth(token, { type: 'bearer' }).send(body);

describe('Reading: request → claim → draft → submit → review → sign, with addenda', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let secondSenior: string;
  let n = 0;

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = [await createTenant(t), await createTenant(t)];
    secondSenior = (await addUser(t, a, { role: 'senior_reader', privileges: [{ discipline: 'ecg', canSign: true }] }))
      .token;
  });
  afterAll(async () => {
    await t.close();
  });

  const newRequest = async (body: object = {}, tenant: Tenant = a) => {
    const studyId = await uploadEcgStudy(t, tenant.tokens.clinic_doctor, `RD-${++n}`);
    const res = await postAs(t, '/api/requests', tenant.tokens.clinic_doctor, {
      studyId,
      priority: 'routine',
      ...body,
    });
    expect(res.status).toBe(201);
    return res.body as {
      id: string;
      studyId: string;
      patientId: string;
      createdAt: string;
      task: { id: string; dueAt: string };
    };
  };
  const claim = (token: string, centreId: string, stage?: 'read' | 'review') =>
    postAs(t, `/api/centres/${centreId}/claim`, token, stage ? { stage } : {});
  /** Claims until it holds `taskId` (other suites' tasks do not share this tenant's centres, so the first is ours). */
  const claimTask = async (token: string, taskId: string, stage?: 'read' | 'review') => {
    const res = await claim(token, a.centreIds.ecg, stage);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(taskId);
    return res.body as { id: string; fencingToken: number; state: string };
  };

  it('routes a request to the centre of the study discipline with its SLA due time, and the clinic follows it', async () => {
    const req = await newRequest({ priority: 'stat', clinicalNotes: '胸闷两小时' });
    expect(req).toMatchObject({ priority: 'stat', referral: false, examCode: 'ECG-12', report: null });
    expect(req.task).toMatchObject({ centreId: a.centreIds.ecg, state: 'queued', sla: 'on_time' });
    // STAT is 30 minutes by default.
    expect(new Date(req.task.dueAt).getTime() - new Date(req.createdAt).getTime()).toBe(30 * 60_000);

    const seen = await getAs(t, `/api/requests/${req.id}`, a.tokens.clinic_technician).expect(200);
    expect(seen.body.task.state).toBe('queued');
    const listed = await getAs(t, '/api/requests?state=queued', a.tokens.clinic_doctor).expect(200);
    expect(listed.body.items.map((i: { requestId: string }) => i.requestId)).toContain(req.id);

    const claimed = await claimTask(a.tokens.reader, req.task.id);
    expect(claimed).toMatchObject({ state: 'claimed', fencingToken: 1 });
    const afterClaim = await getAs(t, `/api/requests/${req.id}`, a.tokens.clinic_doctor).expect(200);
    expect(afterClaim.body.task.state).toBe('claimed');
    expect(afterClaim.body.task.fencingToken).toBeUndefined(); // only the holder sees it
    // A claimed request cannot be cancelled; once released back to the queue, it can.
    const busy = await postAs(t, `/api/requests/${req.id}/cancel`, a.tokens.clinic_doctor, {});
    expect(busy.status).toBe(409);
    expect(busy.body.message).toMatch(/a reader has claimed it/);
    const released = await postAs(t, `/api/tasks/${req.task.id}/release`, a.tokens.reader, { fencingToken: 1 });
    expect(released.body).toMatchObject({ state: 'queued', holderUserId: null });
    const cancelled = await postAs(t, `/api/requests/${req.id}/cancel`, a.tokens.clinic_doctor, { reason: '患者转院' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.task.state).toBe('cancelled');
  });

  it('two-step sign-off: a reader drafts and submits, another senior signs; the report is then immutable and verifiable', async () => {
    const req = await newRequest();
    const taskId = req.task.id;
    const { fencingToken } = await claimTask(a.tokens.reader, taskId);

    const v1 = await putAs(t, `/api/tasks/${taskId}/report`, a.tokens.reader, {
      fencingToken,
      findings: '窦性心律，心率 72 次/分。',
      impression: '正常心电图',
    }).expect(200);
    expect(v1.body.task.state).toBe('drafted');
    expect(v1.body.report).toMatchObject({ status: 'draft', version: 1, impression: '正常心电图' });
    const v2 = await putAs(t, `/api/tasks/${taskId}/report`, a.tokens.reader, {
      fencingToken,
      findings: '窦性心律，心率 72 次/分，PR 160 ms。',
      impression: '正常心电图',
    }).expect(200);
    expect(v2.body.report.version).toBe(2);
    const versions = await t.sql<{ version: number; findings: string }>(
      'SELECT version, findings FROM report_versions WHERE report_id = $1 ORDER BY version',
      [v2.body.report.id],
    );
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect(versions[0]!.findings).toBe('窦性心律，心率 72 次/分。');

    // The clinic does not see drafts.
    expect((await getAs(t, `/api/requests/${req.id}`, a.tokens.clinic_doctor).expect(200)).body.report).toBeNull();
    await getAs(t, `/api/reports/${v2.body.report.id}`, a.tokens.clinic_doctor).expect(404);

    // A junior reader cannot sign (role), and in a two-step centre even a senior drafting must submit.
    const juniorSign = await postAs(t, `/api/tasks/${taskId}/sign`, a.tokens.reader, { fencingToken });
    expect(juniorSign.status).toBe(403);
    await postAs(t, `/api/tasks/${taskId}/submit`, a.tokens.reader, { fencingToken }).expect(200);

    // The senior takes it from the review queue (a new claim: the token moves on) and signs.
    const review = await claimTask(a.tokens.senior_reader, taskId, 'review');
    expect(review).toMatchObject({ state: 'reviewing', fencingToken: 2 });
    const signed = await postAs(t, `/api/tasks/${taskId}/sign`, a.tokens.senior_reader, {
      fencingToken: review.fencingToken,
    }).expect(200);
    expect(signed.body.task.state).toBe('signed');
    expect(signed.body.task.sla).toBe('met');
    expect(signed.body.report).toMatchObject({
      status: 'signed',
      signedBy: { userId: a.userIds.senior_reader },
      hashVerified: true,
    });
    expect(signed.body.report.contentHash).toMatch(/^[0-9a-f]{64}$/);

    // The clinic now sees the signed report.
    const forClinic = await getAs(t, `/api/requests/${req.id}`, a.tokens.clinic_doctor).expect(200);
    expect(forClinic.body.report).toMatchObject({ status: 'signed', impression: '正常心电图' });

    // Signed means final: no second signature, no edit, and not even the database owner can change it.
    const again = await postAs(t, `/api/tasks/${taskId}/sign`, a.tokens.senior_reader, { fencingToken: 2 });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/claim it before writing|signed/);
    const edit = await putAs(t, `/api/tasks/${taskId}/report`, a.tokens.senior_reader, {
      fencingToken: 2,
      findings: 'x',
      impression: 'y',
    });
    expect(edit.status).toBe(409);
    await expect(
      t.sql(`UPDATE reports SET impression = 'tampered' WHERE id = $1`, [signed.body.report.id]),
    ).rejects.toThrow(/signed and immutable/);

    // Corrections are signed addenda, chained by hash; clinics see them.
    const reportId = signed.body.report.id as string;
    const add = await postAs(t, `/api/reports/${reportId}/addenda`, a.tokens.senior_reader, {
      text: '补充：QTc 420 ms。',
    }).expect(201);
    expect(add.body.addenda).toHaveLength(1);
    expect(add.body.addenda[0]).toMatchObject({ seq: 1, text: '补充：QTc 420 ms。' });
    expect(add.body.addenda[0].contentHash).toMatch(/^[0-9a-f]{64}$/);
    await postAs(t, `/api/reports/${reportId}/addenda`, a.tokens.reader, { text: 'x' }).expect(403);
    await postAs(t, `/api/reports/${reportId}/addenda`, b.tokens.senior_reader, { text: 'x' }).expect(403);
    await postAs(t, `/api/reports/${reportId}/addenda`, a.tokens.senior_reader, { text: '' }).expect(400);
    const clinicView = await getAs(t, `/api/reports/${reportId}`, a.tokens.clinic_doctor).expect(200);
    expect(clinicView.body.addenda.map((x: { seq: number }) => x.seq)).toEqual([1]);
    expect(clinicView.body.hashVerified).toBe(true);
    await getAs(t, `/api/reports/${reportId}`, b.tokens.clinic_doctor).expect(403);

    // The same report as FHIR R4 and as a printable PDF.
    const fhir = await getAs(t, `/api/reports/${reportId}`, a.tokens.clinic_doctor)
      .set('Accept', 'application/fhir+json')
      .expect(200);
    expect(fhir.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(fhir.body).toMatchObject({ resourceType: 'DiagnosticReport', id: reportId, status: 'amended' });
    expect(fhir.body.conclusion).toBe('正常心电图');
    const pdf = await getAs(t, `/api/reports/${reportId}/pdf`, a.tokens.clinic_doctor)
      .buffer(true)
      .parse(collectBytes)
      .expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');

    // An addendum altered behind the hub's back (its trigger switched off by the database owner) breaks the chain.
    await t.sql('ALTER TABLE report_addenda DISABLE TRIGGER report_addenda_append_only');
    await t.sql(`UPDATE report_addenda SET text = '补充：QTc 480 ms。' WHERE report_id = $1`, [reportId]);
    await t.sql('ALTER TABLE report_addenda ENABLE TRIGGER report_addenda_append_only');
    const tampered = await getAs(t, `/api/reports/${reportId}`, a.tokens.clinic_doctor).expect(200);
    expect(tampered.body.hashVerified).toBe(false);

    const audit = await t.sql<{ action: string }>(
      `SELECT action FROM audit_events WHERE object_id = $1 AND outcome = 'success' ORDER BY id`,
      [taskId],
    );
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'reading.task.claim',
        'reading.report.save',
        'reading.report.submit',
        'reading.report.sign',
      ]),
    );
    const claims = await t.sql<{ patient_id: string; details: Record<string, unknown>; actor_user_id: string }>(
      `SELECT patient_id, details, actor_user_id FROM audit_events
        WHERE object_id = $1 AND action = 'reading.task.claim' AND outcome = 'success' ORDER BY id`,
      [taskId],
    );
    expect(claims).toHaveLength(2);
    expect(claims[0]).toMatchObject({
      patient_id: req.patientId,
      actor_user_id: a.userIds.reader,
      details: { centreId: a.centreIds.ecg, stage: 'read', fencingToken: '1' },
    });
    expect(claims[1]!.details).toMatchObject({ stage: 'review', fencingToken: '2' });
  });

  it('in a two-step centre the reader who submitted is never handed the review, and a senior drafting must submit', async () => {
    const req = await newRequest();
    const { fencingToken } = await claimTask(a.tokens.senior_reader, req.task.id);
    await putAs(t, `/api/tasks/${req.task.id}/report`, a.tokens.senior_reader, {
      fencingToken,
      findings: '窦性心动过速',
      impression: '窦性心动过速',
    }).expect(200);
    const direct = await postAs(t, `/api/tasks/${req.task.id}/sign`, a.tokens.senior_reader, { fencingToken });
    expect(direct.status).toBe(403);
    expect(direct.body.message).toMatch(/two steps/);
    await postAs(t, `/api/tasks/${req.task.id}/submit`, a.tokens.senior_reader, { fencingToken }).expect(200);
    // Nothing for the submitter to review…
    expect((await claim(a.tokens.senior_reader, a.centreIds.ecg, 'review')).status).toBe(204);
    // …but another senior gets it.
    const review = await claimTask(secondSenior, req.task.id, 'review');
    await postAs(t, `/api/tasks/${req.task.id}/sign`, secondSenior, { fencingToken: review.fencingToken }).expect(200);
  });

  it('a one-step centre lets a privileged senior sign a draft directly; a junior still submits', async () => {
    const centre = await postAs(t, '/api/centres', a.platformAdminToken, {
      consortiumId: a.consortiumId,
      name: 'Night ECG desk',
      discipline: 'ecg',
      hostInstitutionId: a.leadHospitalId,
      servedInstitutionIds: [a.clinicIds[0]],
      twoStepSignoff: false,
    }).expect(201);
    const req = await newRequest({ centreId: centre.body.id });
    expect(req.task).toMatchObject({ centreId: centre.body.id });
    const claimed = await claim(a.tokens.senior_reader, centre.body.id);
    expect(claimed.body.id).toBe(req.task.id);
    const fencingToken = claimed.body.fencingToken as number;
    await putAs(t, `/api/tasks/${req.task.id}/report`, a.tokens.senior_reader, {
      fencingToken,
      findings: '房颤',
      impression: '心房颤动',
    }).expect(200);
    const signed = await postAs(t, `/api/tasks/${req.task.id}/sign`, a.tokens.senior_reader, { fencingToken });
    expect(signed.status).toBe(200);
    expect(signed.body.report.status).toBe('signed');
  });

  it('a structured template of the exam is enforced: types on every save, required fields before submit', async () => {
    const template = await putAs(t, '/api/report-templates/ECG-RHYTHM', a.tokens.admin, {
      discipline: 'ecg',
      name: '心律分析',
      fields: [
        { key: 'rate', label: '心率', type: 'number', unit: '/min', min: 10, max: 400, required: true },
        { key: 'rhythm', label: '节律', type: 'choice', options: ['sinus', 'af', 'other'], required: true },
      ],
    });
    expect(template.status).toBe(200);
    const req = await newRequest({ examCode: 'ECG-RHYTHM' });
    const { fencingToken } = await claimTask(a.tokens.reader, req.task.id);
    const wrongType = await putAs(t, `/api/tasks/${req.task.id}/report`, a.tokens.reader, {
      fencingToken,
      findings: '',
      impression: '待定',
      structured: { rate: 'fast', pr: 160 },
    });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.message).toMatch(/rate \(心率\) must be a number/);
    expect(wrongType.body.message).toMatch(/pr is not a field/);
    await putAs(t, `/api/tasks/${req.task.id}/report`, a.tokens.reader, {
      fencingToken,
      findings: '',
      impression: '窦性心律',
      structured: { rate: 72 },
    }).expect(200);
    const incomplete = await postAs(t, `/api/tasks/${req.task.id}/submit`, a.tokens.reader, { fencingToken });
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.message).toMatch(/rhythm \(节律\) is required/);
    await putAs(t, `/api/tasks/${req.task.id}/report`, a.tokens.reader, {
      fencingToken,
      findings: '',
      impression: '窦性心律',
      structured: { rate: 72, rhythm: 'sinus' },
    }).expect(200);
    await postAs(t, `/api/tasks/${req.task.id}/submit`, a.tokens.reader, { fencingToken }).expect(200);
    const listed = await getAs(t, '/api/report-templates', a.tokens.reader).expect(200);
    expect(listed.body.map((x: { examCode: string }) => x.examCode)).toContain('ECG-RHYTHM');
    await putAs(t, '/api/report-templates/ECG-RHYTHM', a.tokens.reader, {
      discipline: 'ecg',
      name: 'x',
      fields: [],
    }).expect(403);
    const badField = await putAs(t, '/api/report-templates/ECG-X', a.tokens.admin, {
      discipline: 'ecg',
      name: 'x',
      fields: [{ key: 'k', label: 'K', type: 'colour' }],
    });
    expect(badField.status).toBe(400);
  });
});
