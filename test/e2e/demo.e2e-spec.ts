import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { seedDemo } from '../../apps/hub/src/demo/demo-seed.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('npm run demo (seedDemo)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('seeds one consortium with a login per role that works, and on a second run issues new working passwords', async () => {
    const first = await seedDemo(t.app);
    expect(first.created).toBe(true);
    expect(first.logins.map((l) => l.role).sort()).toEqual([
      'admin',
      'auditor',
      'clinic_doctor',
      'clinic_technician',
      'coordinator',
      'reader',
      'senior_reader',
      'specialist',
    ]);
    for (const l of first.logins) {
      const res = await request(t.http)
        .post('/api/auth/login')
        .send({ username: l.username, password: l.password })
        .expect(200);
      expect(res.body.user.roles).toEqual([l.role]);
    }
    const admin = first.logins.find((l) => l.role === 'admin')!;
    const token = (
      await request(t.http)
        .post('/api/auth/login')
        .send({ username: admin.username, password: admin.password })
        .expect(200)
    ).body.accessToken;
    const centres = await request(t.http).get('/api/centres').auth(token, { type: 'bearer' }).expect(200);
    expect(centres.body.items.map((c: { discipline: string }) => c.discipline).sort()).toEqual([
      'ecg',
      'imaging',
      'lab',
      'pathology',
    ]);
    const institutions = await request(t.http).get('/api/institutions').auth(token, { type: 'bearer' }).expect(200);
    expect(institutions.body.total).toBe(4);

    const second = await seedDemo(t.app);
    expect(second.created).toBe(false);
    const doctor = second.logins.find((l) => l.role === 'clinic_doctor')!;
    const oldDoctor = first.logins.find((l) => l.role === 'clinic_doctor')!;
    expect(doctor.password).not.toBe(oldDoctor.password);
    await request(t.http)
      .post('/api/auth/login')
      .send({ username: doctor.username, password: doctor.password })
      .expect(200);
    await request(t.http)
      .post('/api/auth/login')
      .send({ username: doctor.username, password: oldDoctor.password })
      .expect(401);
  });
});
