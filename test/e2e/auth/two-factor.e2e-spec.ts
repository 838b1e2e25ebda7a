import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import request from 'supertest';
import { startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../../support/test-app.js';

describe('auth: TOTP second factor required for administrators (HUB_REQUIRE_2FA=true)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ HUB_REQUIRE_2FA: 'true' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets an admin without two-factor enrol, but nothing else, then requires the code at login', async () => {
    const first = await request(t.http)
      .post('/api/auth/login')
      .send({ username: 'admin', password: TEST_ADMIN_PASSWORD })
      .expect(200);
    const bearer = `Bearer ${first.body.accessToken}`;

    const blocked = await request(t.http).get('/api/consortia').set('Authorization', bearer).expect(403);
    expect(blocked.body.message).toMatch(/two-factor/);

    const setup = await request(t.http).post('/api/auth/totp/setup').set('Authorization', bearer).expect(200);
    expect(setup.body.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    const secret: string = setup.body.secret;

    await request(t.http)
      .post('/api/auth/totp/enable')
      .set('Authorization', bearer)
      .send({ code: '000000' })
      .expect(400);
    await request(t.http).post('/api/auth/totp/enable').set('Authorization', bearer).send({ code: 'abc' }).expect(400);
    await request(t.http)
      .post('/api/auth/totp/enable')
      .set('Authorization', bearer)
      .send({ code: await generate({ secret }) })
      .expect(204);

    const noCode = await request(t.http)
      .post('/api/auth/login')
      .send({ username: 'admin', password: TEST_ADMIN_PASSWORD })
      .expect(401);
    expect(noCode.body.details).toEqual({ totpRequired: true });
    await request(t.http)
      .post('/api/auth/login')
      .send({ username: 'admin', password: TEST_ADMIN_PASSWORD, totp: '123456' })
      .expect(401);

    const second = await request(t.http)
      .post('/api/auth/login')
      .send({ username: 'admin', password: TEST_ADMIN_PASSWORD, totp: await generate({ secret }) })
      .expect(200);
    const me = await request(t.http)
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${second.body.accessToken}`)
      .expect(200);
    expect(me.body).toMatchObject({ totpEnabled: true, mfa: true });
    await request(t.http).get('/api/consortia').set('Authorization', `Bearer ${second.body.accessToken}`).expect(200);
  });
});

describe('auth: login rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 429 past the per-minute limit for one source address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await request(t.http).post('/api/auth/login').send({ username: 'admin', password: 'wrong' });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual([429, 429]);
  });
});
