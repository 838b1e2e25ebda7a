import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { UserAccounts } from '@hub/auth';
import { eventually } from '../../support/eventually.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

const PASSWORD = 'correct horse battery';
/** How long a change made by another process may take to reach the hub (a notification normally takes ms). */
const NOTIFIED_WITHIN_MS = 3_000;

/**
 * The hub keeps live sessions in memory (SESSION_CACHE_SECONDS, 60 s here) and drops them when the database notifies a
 * change. These changes are made with SQL from another connection, as another replica or an administrator would.
 */
describe('auth: the live-session cache follows changes made anywhere', () => {
  let t: TestApp;
  let seq = 0;

  async function loggedIn(): Promise<{ userId: string; token: string; sessionId: string }> {
    const username = `cached${++seq}`;
    const id = await t.app.get(UserAccounts).create({
      username,
      displayName: username,
      password: PASSWORD,
      institutionId: null,
      roles: ['auditor'],
    });
    const res = await request(t.http).post('/api/auth/login').send({ username, password: PASSWORD }).expect(200);
    const [session] = await t.sql<{ id: string }>(
      'SELECT id FROM auth_sessions WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1',
      [id],
    );
    return { userId: id, token: res.body.accessToken as string, sessionId: session!.id };
  }

  const auditList = (token: string) =>
    request(t.http).get('/api/audit?limit=1').set('Authorization', `Bearer ${token}`);

  /** Polls until the audit list answers `status` for this token. */
  const answersSoon = (token: string, status: number) =>
    eventually(
      `the audit list to answer ${status}`,
      async () => ((await auditList(token)).status === status ? true : undefined),
      NOTIFIED_WITHIN_MS,
      20,
    );

  // Anchored: the text of this query (the last one of a test connection) holds the channel's name too.
  const listenerPids = () =>
    t.sql<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND query LIKE 'LISTEN %' AND query LIKE '%LISTEN hub_auth_change;%'`,
    );

  beforeAll(async () => {
    t = await startTestApp({ SESSION_CACHE_SECONDS: '60' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves a live session from memory once read: a change the triggers do not announce goes unseen', async () => {
    const { userId, token } = await loggedIn();
    await auditList(token).expect(200);
    await t.sql('ALTER TABLE users DISABLE TRIGGER users_auth_change');
    try {
      await t.sql('UPDATE users SET active = false WHERE id = $1', [userId]);
      await auditList(token).expect(200);
    } finally {
      await t.sql('ALTER TABLE users ENABLE TRIGGER users_auth_change');
    }
    await t.sql('UPDATE users SET active = false WHERE id = $1', [userId]);
    await answersSoon(token, 401);
  });

  it('refuses a session ended by another process', async () => {
    const { token, sessionId } = await loggedIn();
    await auditList(token).expect(200);
    await t.sql(`UPDATE auth_sessions SET revoked_at = now(), revoked_reason = 'test' WHERE id = $1`, [sessionId]);
    await answersSoon(token, 401);
  });

  it('refuses a session the same process ended at once (logout)', async () => {
    const { token } = await loggedIn();
    await auditList(token).expect(200);
    await request(t.http).post('/api/auth/logout').set('Authorization', `Bearer ${token}`).expect(204);
    await auditList(token).expect(401);
  });

  it('applies a role taken away by another process', async () => {
    const { userId, token } = await loggedIn();
    await auditList(token).expect(200);
    await t.sql(`UPDATE users SET roles = '{clinic_doctor}' WHERE id = $1`, [userId]);
    await answersSoon(token, 403);
  });

  it('serves nothing it may have missed while its notification connection was down, and hears again after', async () => {
    const { userId, token } = await loggedIn();
    await auditList(token).expect(200);
    const [before] = await listenerPids();
    expect(before).toBeDefined();
    await t.sql('SELECT pg_terminate_backend($1)', [before!.pid]);
    // Made while nobody listens: the notification is lost, so only forgetting everything keeps the hub honest.
    await t.sql('UPDATE users SET active = false WHERE id = $1', [userId]);
    await answersSoon(token, 401);
    const after = await eventually('the hub to listen again', async () => {
      const [row] = await listenerPids();
      return row && row.pid !== before!.pid ? row : undefined;
    });
    expect(after.pid).not.toBe(before!.pid);
    const again = await loggedIn();
    await auditList(again.token).expect(200);
    await t.sql(`UPDATE users SET roles = '{clinic_doctor}' WHERE id = $1`, [again.userId]);
    await answersSoon(again.token, 403);
  });
});
