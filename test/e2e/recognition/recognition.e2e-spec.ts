import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { getAs, postAs } from '../../support/http.js';
import { addUser } from '../../support/reading.js';
import { residentId, signedEcg } from '../../support/recognition.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

const DAY = 86_400_000;

describe('Mutual recognition (互认): catalogue, QC, look-ups and decisions', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  /** A doctor of the second clinic, where the patient comes for a repeat ECG. */
  let receiving: string;
  let consortiumName: string;
  let person: { patientId: string; studyId: string; reportId: string; performedAt: Date };

  const put = (path: string, token: string, body: object) =>
    request(t.http).put(path).auth(token, { type: 'bearer' }).send(body);
  const lookUp = (token: string, patientId: string, item = 'ECG-12') =>
    getAs(t, `/api/patients/${patientId}/recognizable?item=${item}`, token);
  const addQc = (institutionId: string, body: object = {}) =>
    postAs(t, `/api/institutions/${institutionId}/qc-records`, a.tokens.admin, {
      discipline: 'ecg',
      passedFrom: '2026-01-01',
      source: '市心电质控中心 2026 年度考核',
      ...body,
    });

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = [await createTenant(t), await createTenant(t)];
    receiving = (await addUser(t, a, { role: 'clinic_doctor', institutionId: a.clinicIds[1] })).token;
    const performedAt = new Date(Date.now() - 2 * DAY);
    const nationalId = residentId(1);
    person = {
      ...(await signedEcg(t, a, a.tokens.clinic_doctor, { localId: 'HR-1', nationalId, performedAt })),
      performedAt,
    };
    // The same person registers at the second clinic: the national id links both local ids to one patient.
    const registered = await postAs(t, '/api/patients', receiving, { localId: 'C2-77', name: '互认^测试', nationalId });
    expect(registered.body.id).toBe(person.patientId);
    [{ name: consortiumName }] = await t.sql<{ name: string }>('SELECT name FROM consortia WHERE id = $1', [
      a.consortiumId,
    ]);
  });
  afterAll(async () => {
    await t.close();
  });

  it('every signed report becomes a candidate, with the performing clinic, date and item', async () => {
    const rows = await t.sql('SELECT * FROM recognisable_results WHERE report_id = $1', [person.reportId]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      patient_id: person.patientId,
      item_code: 'ECG-12',
      performing_institution_id: a.clinicIds[0],
      withdrawn_at: null,
    });
    expect((rows[0]!.performed_at as Date).getTime()).toBe(person.performedAt.getTime());
  });

  it('seeds the default catalogue; administrators edit it and the HR scope, others may not', async () => {
    const items = (await getAs(t, '/api/recognition/items', receiving).expect(200)).body as { code: string }[];
    expect(items.map((i) => i.code)).toEqual(expect.arrayContaining(['LAB-CBC', 'CT-HEAD', 'ECG-12']));
    const lab = (await getAs(t, '/api/recognition/items?discipline=lab', receiving).expect(200)).body as object[];
    expect(lab.every((i) => (i as { discipline: string }).discipline === 'lab')).toBe(true);
    expect((await getAs(t, '/api/recognition/settings', receiving).expect(200)).body).toEqual({
      hrScope: consortiumName,
      hrMark: `${consortiumName}HR`,
    });

    const item = { nameZh: '动态心电图', nameEn: 'Holter ECG', discipline: 'ecg', validityDays: 30, priceYuan: 180 };
    expect((await put('/api/recognition/items/ECG-HOLTER', a.tokens.admin, item).expect(200)).body).toMatchObject({
      code: 'ECG-HOLTER',
      active: true,
      priceYuan: 180,
    });
    await put('/api/recognition/items/ECG-HOLTER', receiving, item).expect(403);
    await put('/api/recognition/items/ECG-HOLTER', a.tokens.coordinator, item).expect(403);
    const bad = await put('/api/recognition/items/ECG-HOLTER', a.tokens.admin, { ...item, validityDays: 0 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.message)).toMatch(/validityDays/);
    await put('/api/recognition/items/ECG-HOLTER', a.tokens.admin, { ...item, priceYuan: 'cheap' }).expect(400);
    await put('/api/recognition/items/ECG-HOLTER', a.tokens.admin, { nameZh: '动态心电图' }).expect(400);
    await put('/api/recognition/items/bad%20code', a.tokens.admin, item).expect(400);
    await put('/api/recognition/settings', a.tokens.admin, { hrScope: 'x'.repeat(61) }).expect(400);
    // Another consortium's catalogue is its own.
    const other = (await getAs(t, '/api/recognition/items', b.tokens.clinic_doctor).expect(200)).body as {
      code: string;
    }[];
    expect(other.map((i) => i.code)).not.toContain('ECG-HOLTER');
  });

  it('keeps QC records with their history; only administrators of the consortium write them', async () => {
    await addQc(a.clinicIds[0], { passedTo: '2025-12-31' }).expect(422);
    await postAs(t, `/api/institutions/${a.clinicIds[0]}/qc-records`, a.tokens.coordinator, {
      discipline: 'ecg',
      passedFrom: '2026-01-01',
      source: 'x',
    }).expect(403);
    await postAs(t, `/api/institutions/${a.clinicIds[0]}/qc-records`, b.tokens.admin, {
      discipline: 'ecg',
      passedFrom: '2026-01-01',
      source: 'x',
    }).expect(404);
    await addQc(a.clinicIds[0], { passedFrom: '1 January' }).expect(400);
    await addQc(a.clinicIds[0], { discipline: 'cardiology' }).expect(400);
    const wrongYear = (await addQc(a.clinicIds[0], { passedFrom: '2020-01-01', passedTo: '2020-12-31' }).expect(201))
      .body as { id: string };
    const corrected = await put(`/api/institutions/${a.clinicIds[0]}/qc-records/${wrongYear.id}`, a.tokens.admin, {
      discipline: 'ecg',
      passedFrom: '2021-01-01',
      passedTo: '2021-12-31',
      source: '更正：年度',
    }).expect(200);
    await put(`/api/institutions/${a.clinicIds[0]}/qc-records/${wrongYear.id}`, a.tokens.admin, {
      discipline: 'ecg',
      passedFrom: '2021-01-01',
      source: 'again',
    }).expect(409);
    const history = (await getAs(t, `/api/institutions/${a.clinicIds[0]}/qc-records`, a.tokens.auditor).expect(200))
      .body as { id: string; supersededBy: string | null }[];
    expect(history.find((r) => r.id === wrongYear.id)!.supersededBy).toBe(corrected.body.id);
    await getAs(t, `/api/institutions/${a.clinicIds[0]}/qc-records`, receiving).expect(403);
  });

  it('offers a result only once the performing clinic passed QC, inside the validity window, with the HR mark', async () => {
    const before = (await lookUp(receiving, person.patientId).expect(200)).body;
    expect(before.recognisable).toEqual([]);
    expect(before.notRecognisable).toEqual([
      expect.objectContaining({ resultId: expect.any(String), reason: 'qc_not_passed' }),
    ]);
    expect(before.lookupSerial).toMatch(/^HR-\d{8}-\d{8}$/);

    await getAs(t, `/api/studies/${person.studyId}`, receiving).expect(403);
    await addQc(a.clinicIds[0]).expect(201);
    const after = (await lookUp(receiving, person.patientId).expect(200)).body;
    // A recognisable result can be opened by the clinic that looked it up (images, tracing or values).
    expect((await getAs(t, `/api/studies/${person.studyId}`, receiving).expect(200)).body.id).toBe(person.studyId);
    expect(after.lookupSerial).not.toBe(before.lookupSerial);
    expect(after.item).toMatchObject({ code: 'ECG-12', validityDays: 30 });
    expect(after.recognisable).toEqual([
      {
        resultId: before.notRecognisable[0].resultId,
        studyId: person.studyId,
        discipline: 'ecg',
        performingInstitution: { id: a.clinicIds[0], name: expect.any(String) },
        performedAt: person.performedAt.toISOString(),
        signedAt: expect.any(String),
        validUntil: new Date(person.performedAt.getTime() + 30 * DAY).toISOString(),
        hr: `${consortiumName}HR`,
        links: { study: `/api/studies/${person.studyId}`, dicomweb: null },
      },
    ]);
    const [audit] = await t.sql('SELECT * FROM audit_events WHERE action = $1 AND object_id = $2', [
      'recognition.lookup',
      after.lookupSerial,
    ]);
    expect(audit).toMatchObject({ patient_id: person.patientId, outcome: 'success' });
    // The grant that opens it is written with the look-up (the first look-up, nothing recognisable, made none).
    const grants = await t.sql<{ serial: string; grantee_type: string; grantee_id: string; expires_at: Date }>(
      `SELECT l.serial, g.grantee_type, g.grantee_id, g.expires_at FROM study_access_grants g
         JOIN recognition_lookups l ON l.id = g.source_id
        WHERE g.source_type = 'recognition_lookup' AND g.study_id = $1`,
      [person.studyId],
    );
    expect(grants).toEqual([
      {
        serial: after.lookupSerial,
        grantee_type: 'institution',
        grantee_id: a.clinicIds[1],
        expires_at: new Date(after.recognisable[0].validUntil),
      },
    ]);
    const grantEvents = await t.sql<{ patient_id: string; serial: string }>(
      `SELECT e.patient_id, l.serial FROM audit_events e JOIN recognition_lookups l ON l.id::text = e.details->'source'->>'id'
        WHERE e.action = 'study.access.grant' AND e.object_id = $1`,
      [person.studyId],
    );
    expect(grantEvents).toEqual([{ patient_id: person.patientId, serial: after.lookupSerial }]);

    // The signed report carries the HR mark while its result is recognisable.
    const report = (await getAs(t, `/api/reports/${person.reportId}`, a.tokens.clinic_doctor).expect(200)).body;
    expect(report.marks).toEqual([
      {
        kind: 'mutual_recognition',
        label: `${consortiumName}HR`,
        validUntil: new Date(person.performedAt.getTime() + 30 * DAY).toISOString(),
      },
    ]);

    // The consortium shortens the window: the result has expired. Taking the item out: not in the catalogue.
    const ecg = { nameZh: '常规十二导联心电图', nameEn: '12-lead ECG', discipline: 'ecg', priceYuan: 30 };
    await put('/api/recognition/items/ECG-12', a.tokens.admin, { ...ecg, validityDays: 1 }).expect(200);
    expect((await lookUp(receiving, person.patientId).expect(200)).body.notRecognisable[0].reason).toBe('expired');
    await put('/api/recognition/items/ECG-12', a.tokens.admin, { ...ecg, validityDays: 30, active: false }).expect(200);
    expect((await lookUp(receiving, person.patientId).expect(200)).body.notRecognisable[0]).toMatchObject({
      reason: 'not_in_catalogue',
      validUntil: null,
    });
    await put('/api/recognition/items/ECG-12', a.tokens.admin, { ...ecg, validityDays: 30 }).expect(200);
  });

  it('does not match a result to a catalogue item of another discipline (an ECG requested as a chest CT)', async () => {
    const nationalId = residentId(2);
    const mislabelled = await signedEcg(
      t,
      a,
      a.tokens.clinic_doctor,
      { localId: 'HR-2', nationalId, performedAt: new Date(Date.now() - DAY) },
      'CT-CHEST',
    );
    // The performing clinic passed QC for both disciplines: only the item's discipline stands in the way.
    await addQc(a.clinicIds[0], { discipline: 'imaging' }).expect(201);
    const [stored] = await t.sql<{ item_code: string; discipline: string }>(
      'SELECT item_code, discipline FROM recognisable_results WHERE report_id = $1',
      [mislabelled.reportId],
    );
    expect(stored).toEqual({ item_code: 'CT-CHEST', discipline: 'ecg' });
    const report = (await getAs(t, `/api/reports/${mislabelled.reportId}`, a.tokens.clinic_doctor).expect(200)).body;
    expect(report.marks).toEqual([]);
    await postAs(t, '/api/patients', receiving, { localId: 'C2-78', name: '互认^测试', nationalId }).expect(201);
    const lookup = (await lookUp(receiving, mislabelled.patientId, 'CT-CHEST').expect(200)).body;
    expect(lookup.recognisable).toEqual([]);
    expect(lookup.notRecognisable).toEqual([expect.objectContaining({ reason: 'not_in_catalogue', validUntil: null })]);
  });

  it('refuses look-ups of unknown items, by roles that order no tests, and of patients not registered here', async () => {
    const unknown = await lookUp(receiving, person.patientId, 'NO-SUCH-ITEM').expect(404);
    expect(unknown.body.message).toMatch(/GET \/api\/recognition\/items/);
    await lookUp(receiving, person.patientId, 'bad item!').expect(400);
    await getAs(t, `/api/patients/${person.patientId}/recognizable`, receiving).expect(400);
    await getAs(t, '/api/patients/not-a-uuid/recognizable?item=ECG-12', receiving).expect(400);
    await lookUp(a.tokens.reader, person.patientId).expect(403);
    await lookUp(a.tokens.clinic_technician, person.patientId).expect(403);
    const thirdClinic = await addUser(t, a, { role: 'clinic_doctor', institutionId: a.clinicIds[2] });
    await lookUp(thirdClinic.token, person.patientId).expect(404);
    await lookUp(b.tokens.clinic_doctor, person.patientId).expect(404);
    const [denied] = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'recognition.lookup' AND outcome = 'denied'
          AND patient_id = $1`,
      [person.patientId],
    );
    expect(denied!.n).toBeGreaterThanOrEqual(4);
  });

  it('records decisions on a look-up: recognised once, or not with a reason and the patient informed', async () => {
    const lookup = (await lookUp(receiving, person.patientId).expect(200)).body;
    const resultId = lookup.recognisable[0].resultId as string;
    const decide = (body: object, token = receiving) =>
      postAs(t, '/api/recognition/decisions', token, {
        lookupSerial: lookup.lookupSerial,
        resultId,
        patientInformed: true,
        ...body,
      });

    expect((await decide({ decision: 'not_recognised' }).expect(422)).body.message).toMatch(/reasonCode: say why/);
    const long = await decide({ decision: 'not_recognised', reasonCode: 'emergency', note: '复'.repeat(201) });
    expect(long.status).toBe(422);
    expect(long.body.message).toMatch(/at most 200 characters/);
    await decide({ decision: 'not_recognised', reasonCode: 'other' }).expect(422);
    await decide({ decision: 'not_recognised', reasonCode: 'emergency', patientInformed: false }).expect(422);
    await decide({ decision: 'maybe' }).expect(400);
    await decide({ decision: 'recognised', resultId: 'not-a-uuid' }).expect(400);
    await decide({ decision: 'recognised', patientInformed: 'yes' }).expect(400);
    await postAs(t, '/api/recognition/decisions', receiving, { decision: 'recognised' }).expect(400);
    const noLookup = await decide({ decision: 'recognised', lookupSerial: 'HR-20260101-99999999' });
    expect(noLookup.status).toBe(422);
    expect(noLookup.body.message).toMatch(/look up the patient's results first/);
    await decide({ decision: 'recognised' }, a.tokens.clinic_technician).expect(403);
    await decide({ decision: 'recognised' }, a.tokens.coordinator).expect(403);
    // Another institution's doctor cannot use this look-up.
    await decide({ decision: 'recognised' }, a.tokens.clinic_doctor).expect(422);

    const recognised = await decide({ decision: 'recognised', note: '患者自带结果，予以互认' }).expect(201);
    expect(recognised.body).toMatchObject({
      lookupSerial: lookup.lookupSerial,
      resultId,
      patientId: person.patientId,
      itemCode: 'ECG-12',
      decision: 'recognised',
      reasonCode: null,
      patientInformed: true,
      priceYuan: 30,
    });
    expect((await decide({ decision: 'recognised' }).expect(409)).body.message).toMatch(/already decided/);
    // Decisions are evidence: not even the database owner changes them.
    await expect(t.sql("UPDATE recognition_decisions SET decision = 'not_recognised'")).rejects.toThrow(/append-only/);

    const second = (await lookUp(receiving, person.patientId).expect(200)).body;
    await postAs(t, '/api/recognition/decisions', receiving, {
      lookupSerial: second.lookupSerial,
      resultId,
      decision: 'not_recognised',
      reasonCode: 'critical_to_treatment',
      note: '术前需复查',
      patientInformed: true,
    }).expect(201);

    const history = (await getAs(t, `/api/patients/${person.patientId}/recognition-decisions`, receiving).expect(200))
      .body as { decision: string; reasonCode: string | null }[];
    expect(history.map((d) => [d.decision, d.reasonCode])).toEqual([
      ['not_recognised', 'critical_to_treatment'],
      ['recognised', null],
    ]);
    await getAs(t, `/api/patients/${person.patientId}/recognition-decisions`, b.tokens.clinic_doctor).expect(404);
  });

  it('refuses a decision citing a look-up of another patient', async () => {
    const other = await signedEcg(t, a, receiving, {
      localId: 'C2-88',
      nationalId: residentId(2),
      performedAt: new Date(Date.now() - DAY),
    });
    const otherLookup = (await lookUp(receiving, other.patientId).expect(200)).body;
    const mine = (await lookUp(receiving, person.patientId).expect(200)).body;
    const res = await postAs(t, '/api/recognition/decisions', receiving, {
      lookupSerial: otherLookup.lookupSerial,
      resultId: mine.recognisable[0].resultId,
      decision: 'recognised',
      patientInformed: true,
    }).expect(422);
    expect(res.body.message).toMatch(/another patient/);
  });

  it('does not offer results of an institution that left the consortium', async () => {
    const third = await addUser(t, a, { role: 'clinic_doctor', institutionId: a.clinicIds[2] });
    await signedEcg(t, a, third.token, {
      localId: 'C3-1',
      nationalId: residentId(1),
      performedAt: new Date(Date.now() - DAY),
    });
    expect((await lookUp(receiving, person.patientId).expect(200)).body.notRecognisable).toHaveLength(1);
    await t.sql("UPDATE institutions SET consortium_id = $2, code = code || '-LEFT' WHERE id = $1", [
      a.clinicIds[2],
      b.consortiumId,
    ]);
    const after = (await lookUp(receiving, person.patientId).expect(200)).body;
    expect([...after.recognisable, ...after.notRecognisable].map((c) => c.performingInstitution.id)).toEqual([
      a.clinicIds[0],
    ]);
    await t.sql("UPDATE institutions SET consortium_id = $2, code = replace(code, '-LEFT', '') WHERE id = $1", [
      a.clinicIds[2],
      a.consortiumId,
    ]);
  });

  it('withdraws recognition when a signed addendum corrects the result (not for a wording addendum)', async () => {
    const addendum = (body: object) =>
      postAs(t, `/api/reports/${person.reportId}/addenda`, a.tokens.senior_reader, body);
    await addendum({ text: '补充：报告措辞修订' }).expect(201);
    expect((await lookUp(receiving, person.patientId).expect(200)).body.recognisable).toHaveLength(1);
    await addendum({ text: '更正：心率应为 110 次/分，窦性心动过速', changesResult: 'yes' }).expect(400);
    await addendum({ text: '更正：心率应为 110 次/分，窦性心动过速', changesResult: true }).expect(201);
    const after = (await lookUp(receiving, person.patientId).expect(200)).body;
    expect(after.recognisable).toEqual([]);
    expect(after.notRecognisable.find((c: { studyId: string }) => c.studyId === person.studyId).reason).toBe(
      'withdrawn',
    );
  });

  it('counts recognition per institution, item and month, with repeats avoided and the saving', async () => {
    const stats = (await getAs(t, '/api/recognition/stats', a.tokens.coordinator).expect(200)).body;
    const row = stats.rows.find((r: { institutionId: string }) => r.institutionId === a.clinicIds[1]);
    expect(row).toMatchObject({
      itemCode: 'ECG-12',
      decisions: 2,
      recognised: 1,
      notRecognised: 1,
      recognitionRate: 0.5,
      repeatsAvoided: 1,
      estimatedSavingYuan: 30,
    });
    expect(stats.totals).toMatchObject({ decisions: 2, recognised: 1, estimatedSavingYuan: 30 });
    expect((await getAs(t, '/api/recognition/stats', b.tokens.coordinator).expect(200)).body.rows).toEqual([]);
    await getAs(t, '/api/recognition/stats', a.tokens.clinic_doctor).expect(403);
    await getAs(t, '/api/recognition/stats?from=2026-13', a.tokens.coordinator).expect(400);
    await getAs(t, '/api/recognition/stats?from=2026-06&to=2026-01', a.tokens.coordinator).expect(422);
    await getAs(t, '/api/recognition/stats?from=2020-01&to=2026-01', a.tokens.coordinator).expect(422);
  });
});
