import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { login, startTestApp, type TestApp } from '../../support/test-app.js';

describe('patients: registration and reads are scoped to the institution', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let otherClinicDoctor: string;

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = [await createTenant(t), await createTenant(t)];
    const username = `doctor2.${a.code.toLowerCase()}`;
    const password = 'clinic-two-doctor-pw';
    await request(t.http)
      .post('/api/users')
      .auth(a.platformAdminToken, { type: 'bearer' })
      .send({
        username,
        password,
        displayName: 'Doctor at clinic 2',
        institutionId: a.clinicIds[1],
        roles: ['clinic_doctor'],
      })
      .expect(201);
    otherClinicDoctor = await login(t, username, password);
  });
  afterAll(async () => {
    await t.close();
  });

  const register = (token: string, body: object) =>
    request(t.http).post('/api/patients').auth(token, { type: 'bearer' }).send(body);

  it('registers a patient at the caller’s institution and keeps Chinese names intact', async () => {
    const res = await register(a.tokens.clinic_technician, {
      localId: 'TS-0001',
      name: '王小明',
      sex: 'M',
      birthDate: '1960-05-17',
    }).expect(201);
    expect(res.body).toMatchObject({
      consortiumId: a.consortiumId,
      name: '王小明',
      sex: 'M',
      birthDate: '1960-05-17',
      identifiers: [{ institutionId: a.clinicIds[0], localId: 'TS-0001' }],
    });
    const byLocal = await request(t.http)
      .get('/api/patients')
      .query({ localId: 'TS-0001' })
      .auth(a.tokens.clinic_doctor, { type: 'bearer' })
      .expect(200);
    expect(byLocal.body.id).toBe(res.body.id);
  });

  it('refuses a second registration of the same local id with 409 naming the existing patient', async () => {
    const first = await register(a.tokens.clinic_doctor, { localId: 'TS-0002', name: '李四' }).expect(201);
    const again = await register(a.tokens.clinic_doctor, { localId: 'TS-0002', name: '李四' }).expect(409);
    expect(again.body.details).toEqual({ patientId: first.body.id });
  });

  it('validates fields, naming them', async () => {
    const cases: [object, RegExp][] = [
      [{ name: 'x' }, /localId/],
      [{ localId: 'A1' }, /name/],
      [{ localId: 'A1', name: 'x', sex: 'male' }, /sex/],
      [{ localId: 'A1', name: 'x', birthDate: '17/05/1960' }, /birthDate/],
      [{ localId: 'A1', name: 42 }, /name/],
      [{ localId: '../etc', name: 'x' }, /localId/],
      [{ localId: 'A1', name: 'x'.repeat(10_000) }, /name/],
      [{ localId: 'A1', name: 'x', nationalId: '1' }, /nationalId/],
    ];
    for (const [body, field] of cases) {
      const res = await register(a.tokens.clinic_doctor, body).expect(400);
      expect(res.body.message).toMatch(field);
    }
  });

  it('lets only clinic staff register patients', async () => {
    for (const role of ['reader', 'admin', 'auditor', 'specialist'] as const) {
      await register(a.tokens[role], { localId: 'R-1', name: 'x' }).expect(403);
    }
    await request(t.http).post('/api/patients').send({ localId: 'R-1', name: 'x' }).expect(401);
  });

  it('refuses reads from another institution or consortium with 403, and unknown ids with 404', async () => {
    const created = await register(a.tokens.clinic_doctor, { localId: 'TS-0003', name: '张三' }).expect(201);
    const get = (token: string) =>
      request(t.http).get(`/api/patients/${created.body.id}`).auth(token, { type: 'bearer' });
    await get(a.tokens.clinic_doctor).expect(200);
    await get(a.tokens.coordinator).expect(200);
    await get(otherClinicDoctor).expect(403);
    await get(b.tokens.clinic_doctor).expect(403);
    await get(b.tokens.coordinator).expect(403);
    await get(a.tokens.admin).expect(403);
    await request(t.http)
      .get('/api/patients/00000000-0000-4000-8000-000000000000')
      .auth(a.tokens.clinic_doctor, { type: 'bearer' })
      .expect(404);
    await request(t.http).get('/api/patients/not-a-uuid').auth(a.tokens.clinic_doctor, { type: 'bearer' }).expect(400);
  });

  describe('national id linking', () => {
    // Made-up numbers with valid check digits (GB 11643-1999).
    const NATIONAL_ID = '11010519491231002X';
    const OTHER_NATIONAL_ID = '440524188001010014';

    it('links the same person registered at two clinics into one record and stores no readable number', async () => {
      const first = await register(a.tokens.clinic_doctor, {
        localId: 'NID-1',
        name: '赵六',
        nationalId: NATIONAL_ID,
        issuer: 'HIS',
      }).expect(201);
      expect(first.body.nationalIdOnRecord).toBe(true);
      const second = await register(otherClinicDoctor, {
        localId: 'C2-77',
        name: '赵六',
        nationalId: NATIONAL_ID.toLowerCase(),
      }).expect(201);
      expect(second.body.id).toBe(first.body.id);
      expect(second.body.identifiers).toEqual([
        { institutionId: a.clinicIds[0], localId: 'NID-1' },
        { institutionId: a.clinicIds[1], localId: 'C2-77' },
      ]);
      const [row] = await t.sql<{ national_id_hash: string }>('SELECT national_id_hash FROM patients WHERE id = $1', [
        first.body.id,
      ]);
      expect(row.national_id_hash).toMatch(/^[0-9a-f]{64}$/);
      const dump = JSON.stringify(await t.sql('SELECT * FROM patients'));
      expect(dump).not.toContain(NATIONAL_ID);
      const [issuer] = await t.sql<{ issuer: string }>('SELECT issuer FROM patient_identifiers WHERE local_id = $1', [
        'NID-1',
      ]);
      expect(issuer.issuer).toBe('HIS');
      const [link] = await t.sql<{ details: object }>(
        "SELECT details FROM audit_events WHERE action = 'patient.link' AND patient_id = $1",
        [first.body.id],
      );
      expect(link.details).toMatchObject({ matchedBy: 'national-id' });
    });

    it('does not link across consortia', async () => {
      const inA = await register(a.tokens.clinic_doctor, {
        localId: 'NID-2',
        name: '钱七',
        nationalId: OTHER_NATIONAL_ID,
      });
      const inB = await register(b.tokens.clinic_doctor, {
        localId: 'NID-2',
        name: '钱七',
        nationalId: OTHER_NATIONAL_ID,
      });
      expect(inA.status).toBe(201);
      expect(inB.status).toBe(201);
      expect(inB.body.id).not.toBe(inA.body.id);
    });

    it('refuses an invalid national id with 422 and does not quote it back', async () => {
      const res = await register(a.tokens.clinic_doctor, {
        localId: 'NID-3',
        name: '孙八',
        nationalId: '110105194912310021',
      }).expect(422);
      expect(res.body.message).toMatch(/check digit/);
      expect(JSON.stringify(res.body)).not.toContain('110105194912310021');
      await register(a.tokens.clinic_doctor, { localId: 'NID-3', name: '孙八', nationalId: 12345 }).expect(400);
      const [count] = await t.sql<{ n: number }>(
        'SELECT count(*)::int AS n FROM patient_identifiers WHERE local_id = $1',
        ['NID-3'],
      );
      expect(count.n).toBe(0);
    });
  });
});
