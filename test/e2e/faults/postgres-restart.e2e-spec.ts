import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import request from 'supertest';
import { type DatabaseUrls, migrateDatabase, withDatabase } from '@hub/db';
import { eventually, withinDeadline } from '../../support/eventually.js';
import { type LocalPostgres, startLocalPostgres } from '../../support/global-setup.js';
import { postAs } from '../../support/http.js';
import { uploadEcgStudy } from '../../support/reading.js';
import { recordFigure } from '../../support/reliability.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

/** Short, so that claims taken before the outage run out during it and must be given back afterwards. */
const LEASE_SECONDS = 3;
const OUTAGE_MS = 4_000;
const TASKS = 30;
/** A request that takes longer than this counts as a hang. */
const REQUEST_TIMEOUT_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The hub's PostgreSQL server is stopped (a fast shutdown: every session cut, nothing listening) and started again,
 * under load. On a cluster of this test's own: the shared test server serves other suites at the same time. The hub
 * runs as in production, with its background jobs (pg-boss, the audit sealer) and the socket.io PostgreSQL adapter,
 * whose connections the restart drops too.
 */
describe('fault: the PostgreSQL server stops and starts again under load', () => {
  let dir: string;
  let postgres: LocalPostgres;
  let t: TestApp;
  let a: Tenant;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'hub-pg-restart-'));
    // Durable (fsync on): the test checks that no acknowledged commit is lost across the restart.
    postgres = await startLocalPostgres(dir, { durable: true, persistent: true });
    const owner = new pg.Client({ connectionString: postgres.ownerUrl('postgres') });
    await owner.connect();
    await owner.query('CREATE DATABASE hub');
    await owner.end();
    const database: DatabaseUrls = {
      adminUrl: withDatabase(postgres.ownerUrl('postgres'), 'hub'),
      appUrl: withDatabase(postgres.appUrl('postgres'), 'hub'),
    };
    await migrateDatabase(database);
    t = await startTestApp(
      { READING_LEASE_SECONDS: String(LEASE_SECONDS), JOBS_ENABLED: 'true', SOCKET_ADAPTER: 'postgres' },
      { database },
    );
    a = await createTenant(t);
    for (let i = 0; i < TASKS; i++) {
      const studyId = await uploadEcgStudy(t, a.tokens.clinic_doctor, `PGR-TASK-${i}`);
      await postAs(t, '/api/requests', a.tokens.clinic_doctor, { studyId, priority: 'routine' }).expect(201);
    }
  }, 120_000);
  let closed = false;
  afterAll(async () => {
    if (!closed) await t?.close();
    await postgres?.server.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('answers 503 while it is down (ready 503, live 200), reconnects by itself, and loses no commit or lease', async () => {
    const centre = a.centreIds.ecg;
    let phase: 'before' | 'outage' | 'after' = 'before';
    const statuses = {
      before: new Map<string, number>(),
      outage: new Map<string, number>(),
      after: new Map<string, number>(),
    };
    const count = (status: string) => statuses[phase].set(status, (statuses[phase].get(status) ?? 0) + 1);
    const send = async (req: request.Test): Promise<request.Response | undefined> => {
      try {
        const res = await req.timeout(REQUEST_TIMEOUT_MS);
        count(String(res.status));
        return res;
      } catch (err) {
        // A hang (timeout) or a dropped connection: both fail the test below.
        count((err as { timeout?: number }).timeout ? 'hang' : 'no answer');
        return undefined;
      }
    };
    let running = true;
    const acknowledged: string[] = [];
    const clinic = async (n: number) => {
      for (let i = 0; running; i++) {
        const localId = `PGR-${n}-${i}`;
        const res = await send(
          request(t.http)
            .post('/api/patients')
            .auth(a.tokens.clinic_doctor, { type: 'bearer' })
            .send({ localId, name: '重启^测试', sex: 'M', birthDate: '1960-02-03' }),
        );
        if (res?.status === 201) acknowledged.push(localId);
        await sleep(50);
      }
    };
    const reader = async (token: string) => {
      while (running) {
        await send(request(t.http).post(`/api/centres/${centre}/claim`).auth(token, { type: 'bearer' }).send({}));
        await sleep(250);
      }
    };
    // Liveness is asked all along: it must answer 200 whatever the database does (a restart would not help).
    const liveAnswers: number[] = [];
    const liveness = async () => {
      while (running) {
        const res = await request(t.http)
          .get('/health/live')
          .timeout(REQUEST_TIMEOUT_MS)
          .catch(() => undefined);
        liveAnswers.push(res?.status ?? 0);
        await sleep(100);
      }
    };
    const load = Promise.all([
      ...[0, 1, 2].map(clinic),
      reader(a.tokens.reader),
      reader(a.tokens.senior_reader),
      liveness(),
    ]);

    await sleep(2_000);
    const heldBefore = await t.sql<{ id: string; fencing_token: string }>(
      `SELECT id, fencing_token::text FROM reading_tasks WHERE centre_id = $1 AND holder_user_id IS NOT NULL`,
      [centre],
    );

    const stoppedAt = Date.now();
    phase = 'outage';
    await postgres.server.stop();
    const readyWhileDown = await eventually('/health/ready to report the database down', async () => {
      const res = await request(t.http).get('/health/ready').timeout(REQUEST_TIMEOUT_MS);
      return res.status === 503 ? res : undefined;
    });
    expect(readyWhileDown.body.details).toMatchObject({ database: 'down' });
    await sleep(Math.max(0, stoppedAt + OUTAGE_MS - Date.now()));

    await postgres.server.start();
    const upAt = Date.now();
    const outageMs = upAt - stoppedAt;
    phase = 'after';
    await eventually(
      '/health/ready to answer 200 again',
      async () => {
        const res = await request(t.http).get('/health/ready').timeout(REQUEST_TIMEOUT_MS);
        return res.status === 200 ? true : undefined;
      },
      30_000,
      20,
    );
    const readyAfterMs = Date.now() - upAt;
    // Long enough for claims taken just before the outage to run out and for the readers to claim again.
    await sleep((LEASE_SECONDS + 1) * 1000);
    running = false;
    await load;

    // Never a 500, never a hang: during the outage the API answers 503 (try again), before and after it serves.
    for (const phaseStatuses of Object.values(statuses)) {
      expect([...phaseStatuses.keys()].filter((s) => !['200', '201', '204', '503'].includes(s))).toEqual([]);
    }
    expect(liveAnswers.length).toBeGreaterThan(0);
    expect(liveAnswers.filter((status) => status !== 200)).toEqual([]);
    const refused = statuses.outage.get('503') ?? 0;
    expect(refused).toBeGreaterThan(0);
    expect(statuses.after.get('201') ?? 0).toBeGreaterThan(0);

    // No lost commits: every patient acknowledged with 201, before or after the outage, is in the database.
    const stored = await t.sql<{ local_id: string }>(
      `SELECT local_id FROM patient_identifiers WHERE local_id LIKE 'PGR-%' AND local_id NOT LIKE 'PGR-TASK-%'`,
    );
    const storedIds = new Set(stored.map((r) => r.local_id));
    expect(acknowledged.filter((id) => !storedIds.has(id))).toEqual([]);

    // No claim held past its lease: the claims held when the server stopped ran out during the outage, so each is
    // back in the queue or claimed again (a higher fencing token); and after one more claim (which gives back what ran
    // out), no task of the centre is held under a lease that ended before it.
    expect(heldBefore.length).toBeGreaterThan(0);
    const now = await t.sql<{ id: string; fencing_token: string; state: string }>(
      `SELECT id, fencing_token::text, state FROM reading_tasks WHERE id = ANY($1)`,
      [heldBefore.map((r) => r.id)],
    );
    for (const before of heldBefore) {
      const task = now.find((r) => r.id === before.id)!;
      expect(task.state === 'queued' || BigInt(task.fencing_token) > BigInt(before.fencing_token)).toBe(true);
    }
    const [{ at }] = await t.sql<{ at: Date }>('SELECT now() AS at');
    const lastClaim = await postAs(t, `/api/centres/${centre}/claim`, a.tokens.reader, {});
    expect([200, 204]).toContain(lastClaim.status);
    const overdue = await t.sql(
      `SELECT id FROM reading_tasks WHERE centre_id = $1 AND holder_user_id IS NOT NULL AND lease_expires_at < $2`,
      [centre, at],
    );
    expect(overdue).toEqual([]);

    // And it still shuts down: nothing waits for ever on a connection the restart dropped.
    const shutdown = await withinDeadline(
      t.close().then(() => 'closed'),
      20_000,
      'still closing after 20 s',
    );
    closed = true;
    expect(shutdown).toBe('closed');

    const total = Object.values(statuses)
      .flatMap((m) => [...m.values()])
      .reduce((sum, n) => sum + n, 0);
    await recordFigure(
      `outage ${(outageMs / 1000).toFixed(1)} s; /health/ready 200 ${readyAfterMs} ms after PostgreSQL was up; ` +
        `${refused} requests answered 503 during the outage (of ${total}); ${heldBefore.length} claims held at the ` +
        `stop given back; ${acknowledged.length} acknowledged writes, lost commits 0`,
    );
  }, 60_000);
});
