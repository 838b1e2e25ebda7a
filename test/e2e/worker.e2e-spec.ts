import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { JobQueue, SLA_SWEEP_JOB } from '@hub/reading';
import { listenToEvents } from '../support/events.js';
import { buildHub, type HubBuild, type HubProcess, startWorkerProcess } from '../support/hub-process.js';
import { postAs } from '../support/http.js';
import { uploadEcgStudy } from '../support/reading.js';
import { createTenant, type Tenant } from '../support/tenant.js';
import { startTestApp, TEST_ADMIN_PASSWORD, TEST_JWT_SECRET, type TestApp } from '../support/test-app.js';
import { eventually } from '../support/eventually.js';

/**
 * The scale-out topology: a hub replica with JOBS_ENABLED=false serves the requests, a worker process (apps/worker,
 * compiled as `npm run build` does) runs the background jobs against the same database and data folder.
 */
describe('apps/worker: the background jobs in a process of their own', () => {
  let build: HubBuild;
  let t: TestApp;
  let a: Tenant;
  let worker: HubProcess;

  beforeAll(async () => {
    build = await buildHub();
    t = await startTestApp({ JOBS_ENABLED: 'false', SOCKET_ADAPTER: 'postgres' });
    a = await createTenant(t);
    worker = await startWorkerProcess(build.workerEntry, {
      NODE_ENV: 'test',
      DATABASE_URL: t.appUrl,
      DATABASE_ADMIN_URL: t.adminUrl,
      DATA_DIR: t.dataDir,
      HUB_JWT_SECRET: TEST_JWT_SECRET,
      HUB_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      SOCKET_ADAPTER: 'postgres',
      AUDIT_SEAL_INTERVAL_MS: '100',
    });
  }, 180_000);
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
    await build?.remove();
  });

  it('seals the audit events the hub writes', async () => {
    await request(t.http).get('/api/audit').auth(a.tokens.auditor, { type: 'bearer' }).expect(200);
    const [{ last }] = await t.sql<{ last: string }>('SELECT max(id)::text AS last FROM audit_events');
    await eventually('the worker to seal the event', async () => {
      const rows = await t.sql('SELECT 1 FROM audit_chain WHERE event_id = $1', [last]);
      return rows.length === 1 ? true : undefined;
    });
    expect(await t.sql('SELECT 1 FROM audit_unsealed WHERE event_id <= $1', [last])).toEqual([]);
  });

  it('works the SLA sweep the hub sends, and its live event reaches the hub’s sockets', async () => {
    const studyId = await uploadEcgStudy(t, a.tokens.clinic_doctor, 'W-1');
    const req = await postAs(t, '/api/requests', a.tokens.clinic_doctor, { studyId, priority: 'stat' }).expect(201);
    const taskId = req.body.task.id as string;
    await postAs(t, `/api/centres/${a.centreIds.ecg}/claim`, a.tokens.reader, {}).expect(200);
    await t.sql(`UPDATE reading_tasks SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [taskId]);
    const listener = await listenToEvents(t, a.tokens.reader);
    try {
      // The hub (JOBS_ENABLED=false) only sends the job; the worker is the one process that works it.
      const jobId = await t.app.get(JobQueue).send(SLA_SWEEP_JOB);
      const released = await listener.next('task.released', (p) => p.taskId === taskId);
      expect(released).toMatchObject({ cause: 'lease_expired', state: 'queued' });
      const [task] = await t.sql<{ state: string }>('SELECT state FROM reading_tasks WHERE id = $1', [taskId]);
      expect(task!.state).toBe('queued');
      const [job] = await t.sql<{ state: string }>('SELECT state FROM pgboss.job WHERE id = $1', [jobId]);
      expect(['active', 'completed']).toContain(job!.state);
    } finally {
      listener.close();
    }
  });

  it('refuses to start without the hub’s PostgreSQL server', async () => {
    await expect(
      startWorkerProcess(build.workerEntry, { NODE_ENV: 'test', DATA_DIR: t.dataDir, LOG_LEVEL: 'silent' }),
    ).rejects.toThrow(/DATABASE_URL: the worker needs the hub’s PostgreSQL server/);
  });
});
