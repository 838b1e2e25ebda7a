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
});
