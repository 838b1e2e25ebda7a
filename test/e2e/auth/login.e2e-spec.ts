import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import pg from 'pg';
import request from 'supertest';
import { UserAccounts } from '@hub/auth';
import { eventually } from '../../support/eventually.js';
import { startTestApp, TEST_ADMIN_PASSWORD, TEST_JWT_SECRET, type TestApp } from '../../support/test-app.js';

const PASSWORD = 'correct horse battery';

describe('auth: login, tokens, refresh, logout, lockout', () => {
  let t: TestApp;
  let seq = 0;

  /** A fresh account per test, so lockouts and sessions never leak between tests. */
  async function newUser(): Promise<string> {
    const username = `user${++seq}`;
    await t.app.get(UserAccounts).create({
      username,
      displayName: username,
      password: PASSWORD,
      institutionId: null,
      roles: ['auditor'],
    });
    return username;
  }

  const loginRes = (username: string, password: string) =>
    request(t.http).post('/api/auth/login').send({ username, password });

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('logs in the first admin created from HUB_ADMIN_PASSWORD', async () => {
    const res = await loginRes('admin', TEST_ADMIN_PASSWORD).expect(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', user: { username: 'admin', roles: ['admin'] } });
    expect(typeof res.body.accessToken).toBe('string');
    expect(typeof res.body.refreshToken).toBe('string');
    expect(res.body.user.passwordHash).toBeUndefined();
    const me = await request(t.http)
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${res.body.accessToken}`)
      .expect(200);
    expect(me.body.username).toBe('admin');
  });

  it('accepts the username in any letter case', async () => {
    const username = await newUser();
    await loginRes(username.toUpperCase(), PASSWORD).expect(200);
  });

  it('refuses a wrong password and an unknown user with the same message', async () => {
    const username = await newUser();
    const wrong = await loginRes(username, 'not the password').expect(401);
    const unknown = await loginRes('nobody-here', 'whatever').expect(401);
    expect(wrong.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: 'Wrong username or password' });
    expect(unknown.body.message).toBe(wrong.body.message);
  });

  it('names the missing or mistyped field', async () => {
    const missing = await request(t.http).post('/api/auth/login').send({ username: 'admin' }).expect(400);
    expect(missing.body.message).toMatch(/password/);
    const wrongType = await request(t.http).post('/api/auth/login').send({ username: 42, password: 'x' }).expect(400);
    expect(wrongType.body.message).toMatch(/username/);
    const extra = await request(t.http).post('/api/auth/login').send({ username: 'a', password: 'b', role: 'admin' });
    expect(extra.status).toBe(400);
    expect(extra.body.message).toMatch(/role/);
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await request(t.http)
      .post('/api/auth/login')
      .send({ username: 'a', password: 'x'.repeat(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
  });

  it('locks the account after repeated failures, even for the right password, until the lock ends', async () => {
    const username = await newUser();
    for (let i = 1; i < 5; i++) await loginRes(username, `wrong-${i}`).expect(401);
    const fifth = await loginRes(username, 'wrong-5').expect(423);
    expect(fifth.body.message).toMatch(/locked/);
    expect(fifth.body.details.lockedUntil).toBeDefined();
    await loginRes(username, PASSWORD).expect(423);

    const owner = new pg.Client({ connectionString: t.adminUrl });
    await owner.connect();
    await owner.query(`UPDATE users SET locked_until = now() - interval '1 second' WHERE username = $1`, [username]);
    await owner.end();
    await loginRes(username, PASSWORD).expect(200);
  });

  it('resets the failure count after a successful login', async () => {
    const username = await newUser();
    for (let i = 0; i < 4; i++) await loginRes(username, 'wrong').expect(401);
    await loginRes(username, PASSWORD).expect(200);
    for (let i = 0; i < 4; i++) await loginRes(username, 'wrong').expect(401);
    await loginRes(username, PASSWORD).expect(200);
  });

  describe('access tokens', () => {
    let token: string;
    let sub: string;
    let sid: string;
    beforeAll(async () => {
      const res = await loginRes(await newUser(), PASSWORD).expect(200);
      token = res.body.accessToken;
      const claims = new JwtService({ secret: TEST_JWT_SECRET }).decode<{ sub: string; sid: string }>(token);
      sub = claims.sub;
      sid = claims.sid;
    });
    const me = (bearer: string) => request(t.http).get('/api/auth/me').set('Authorization', `Bearer ${bearer}`);

    it('needs a token on every non-public route', async () => {
      const res = await request(t.http).get('/api/auth/me').expect(401);
      expect(res.body.message).toMatch(/Bearer/);
    });

    it('refuses an expired token', async () => {
      const expired = await new JwtService({ secret: TEST_JWT_SECRET }).signAsync(
        { sub, sid, exp: Math.floor(Date.now() / 1000) - 60 },
        { issuer: 'consortium-hub' },
      );
      const res = await me(expired).expect(401);
      expect(res.body.message).toMatch(/expired/);
    });

    it('refuses a tampered token', async () => {
      const [header, payload, signature] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      const forged = Buffer.from(JSON.stringify({ ...claims, sub: '00000000-0000-0000-0000-000000000000' })).toString(
        'base64url',
      );
      await me(`${header}.${forged}.${signature}`).expect(401);
      await me(`${token.slice(0, -2)}xx`).expect(401);
    });

    it('refuses a token signed with another key or with alg none', async () => {
      const other = await new JwtService({ secret: 'another-secret-another-secret-another' }).signAsync(
        { sub, sid },
        { issuer: 'consortium-hub' },
      );
      await me(other).expect(401);
      const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${token.split('.')[1]}.`;
      await me(none).expect(401);
    });

    it('accepts the valid token', async () => {
      await me(token).expect(200);
    });
  });

  it('rotates refresh tokens and ends the session when a used one comes back', async () => {
    const first = await loginRes(await newUser(), PASSWORD).expect(200);
    const second = await request(t.http)
      .post('/api/auth/refresh')
      .send({ refreshToken: first.body.refreshToken })
      .expect(200);
    expect(second.body.refreshToken).not.toBe(first.body.refreshToken);
    await request(t.http).get('/api/auth/me').set('Authorization', `Bearer ${second.body.accessToken}`).expect(200);

    const replay = await request(t.http)
      .post('/api/auth/refresh')
      .send({ refreshToken: first.body.refreshToken })
      .expect(401);
    expect(replay.body.message).toMatch(/already used/);
    // The theft response ends the whole session: the newest tokens stop working too.
    await request(t.http).post('/api/auth/refresh').send({ refreshToken: second.body.refreshToken }).expect(401);
    await request(t.http).get('/api/auth/me').set('Authorization', `Bearer ${second.body.accessToken}`).expect(401);
  });

  it('refuses an unknown refresh token', async () => {
    await request(t.http).post('/api/auth/refresh').send({ refreshToken: 'made-up' }).expect(401);
    await request(t.http).post('/api/auth/refresh').send({}).expect(400);
  });

  it('revokes the session on logout: access and refresh tokens stop working at once', async () => {
    const res = await loginRes(await newUser(), PASSWORD).expect(200);
    const bearer = `Bearer ${res.body.accessToken}`;
    await request(t.http).post('/api/auth/logout').set('Authorization', bearer).expect(204);
    const after = await request(t.http).get('/api/auth/me').set('Authorization', bearer).expect(401);
    expect(after.body.message).toMatch(/session has ended/);
    await request(t.http).post('/api/auth/refresh').send({ refreshToken: res.body.refreshToken }).expect(401);
  });

  it('keeps other sessions of the same user alive on logout', async () => {
    const username = await newUser();
    const a = await loginRes(username, PASSWORD).expect(200);
    const b = await loginRes(username, PASSWORD).expect(200);
    await request(t.http).post('/api/auth/logout').set('Authorization', `Bearer ${a.body.accessToken}`).expect(204);
    await request(t.http).get('/api/auth/me').set('Authorization', `Bearer ${b.body.accessToken}`).expect(200);
  });

  it('ends sessions of a deactivated account', async () => {
    const username = await newUser();
    const res = await loginRes(username, PASSWORD).expect(200);
    const owner = new pg.Client({ connectionString: t.adminUrl });
    await owner.connect();
    await owner.query('UPDATE users SET active = false WHERE username = $1', [username]);
    await owner.end();
    // Made by another connection: it reaches the hub's session cache as a notification, normally within ms.
    await eventually(
      'the deactivated account to be refused',
      async () =>
        (await request(t.http).get('/api/auth/me').set('Authorization', `Bearer ${res.body.accessToken}`)).status ===
        401
          ? true
          : undefined,
      3_000,
      20,
    );
    await loginRes(username, PASSWORD).expect(401);
  });
});
