import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { JobQueue, type ReadingEvent, ReadingEventBus, SLA_SWEEP_JOB, SlaSweep } from '@hub/reading';
import { postAs } from '../../support/http.js';
import { uploadEcgStudy } from '../../support/reading.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { eventually } from '../../support/eventually.js';

const MINUTE = 60_000;
const TASK_PAYLOAD_KEYS = ['at', 'centreId', 'dueAt', 'priority', 'referral', 'requestId', 'state', 'taskId'];

let n = 0;

async function newRequest(t: TestApp, tenant: Tenant): Promise<{ id: string; taskId: string }> {
  const studyId = await uploadEcgStudy(t, tenant.tokens.clinic_doctor, `SLA-${++n}`);
  const res = await postAs(t, '/api/requests', tenant.tokens.clinic_doctor, { studyId, priority: 'stat' }).expect(201);
  return { id: res.body.id as string, taskId: res.body.task.id as string };
}

/** Moves a task's clock back: queued `minutesAgo` minutes ago, due `slaMinutes` after that (STAT is 30 minutes). */
async function age(t: TestApp, taskId: string, minutesAgo: number, slaMinutes = 30): Promise<void> {
  await t.sql(
    `UPDATE reading_tasks SET queued_at = now() - make_interval(mins => $2),
            due_at = now() - make_interval(mins => $2) + make_interval(mins => $3)
      WHERE id = $1`,
    [taskId, minutesAgo, slaMinutes],
  );
}

async function claim(t: TestApp, tenant: Tenant, taskId: string): Promise<number> {
  const res = await postAs(t, `/api/centres/${tenant.centreIds.ecg}/claim`, tenant.tokens.reader, {}).expect(200);
  expect(res.body.id).toBe(taskId);
  return res.body.fencingToken as number;
}

/** Cancels whatever earlier tests left open in the tenant's ECG centre, so the next claim takes the test's own task. */
async function drain(t: TestApp, tenant: Tenant): Promise<void> {
  await t.sql(
    `UPDATE reading_tasks SET state = 'cancelled', holder_user_id = NULL, lease_expires_at = NULL
      WHERE centre_id = $1 AND state NOT IN ('signed', 'cancelled')`,
    [tenant.centreIds.ecg],
  );
}

function recorder(t: TestApp): { events: ReadingEvent[]; stop: () => void } {
  const events: ReadingEvent[] = [];
  const stop = t.app.get(ReadingEventBus).subscribe((e) => events.push(e));
  return { events, stop };
}

describe('Reading: the SLA sweep (sla.warning, sla.breached, expired leases)', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let recorded: ReturnType<typeof recorder>;

  beforeAll(async () => {
    // Jobs off in this process, so the sweeps the tests run are the only ones and each can be looked at whole.
    t = await startTestApp({ JOBS_ENABLED: 'false' });
    [a, b] = [await createTenant(t), await createTenant(t)];
    recorded = recorder(t);
  });
  afterAll(async () => {
    recorded?.stop();
    await t?.close();
  });

  const sweep = () => t.app.get(SlaSweep).run();
  const slaEventsOf = (taskId: string) =>
    recorded.events.filter((e) => e.name.startsWith('sla.') && e.payload.taskId === taskId);
  const slaNamesOf = (taskId: string) => slaEventsOf(taskId).map((e) => e.name);
  const flags = async (taskId: string) =>
    (
      await t.sql<{ warned: Date | null; breached: Date | null }>(
        'SELECT sla_warned_at AS warned, sla_breached_at AS breached FROM reading_tasks WHERE id = $1',
        [taskId],
      )
    )[0]!;

  it('warns at 80% and flags the breach, once each, to the consortium of the request; never for closed tasks', async () => {
    // Claimed first (while it is the only task in the queue): a task being read is still on the clock.
    const held = await newRequest(t, a);
    await claim(t, a, held.taskId);
    const [warned, breached, fresh, foreign, cancelled, signed, returned] = [
      await newRequest(t, a),
      await newRequest(t, a),
      await newRequest(t, a),
      await newRequest(t, b),
      await newRequest(t, a),
      await newRequest(t, a),
      await newRequest(t, a),
    ];
    await postAs(t, `/api/requests/${cancelled.id}/cancel`, a.tokens.clinic_doctor, {}).expect(200);
    await t.sql(`UPDATE reading_tasks SET state = 'signed', signed_at = now() WHERE id = $1`, [signed.taskId]);
    await t.sql(
      `UPDATE reading_tasks SET state = 'returned', returned_at = now(), return_reason = 'other', return_note = 'x'
        WHERE id = $1`,
      [returned.taskId],
    );
    await age(t, held.taskId, 26);
    await age(t, warned.taskId, 25); // warning due at 24 minutes, breach at 30
    await age(t, breached.taskId, 31);
    await age(t, foreign.taskId, 40);
    for (const closed of [cancelled, signed, returned]) await age(t, closed.taskId, 40);

    expect(await sweep()).toEqual({ released: 0, warned: 2, breached: 2 });

    expect(slaNamesOf(held.taskId)).toEqual(['sla.warning']);
    expect(slaNamesOf(warned.taskId)).toEqual(['sla.warning']);
    // Found already overdue: the breach only, no late warning.
    expect(slaNamesOf(breached.taskId)).toEqual(['sla.breached']);
    expect(slaNamesOf(foreign.taskId)).toEqual(['sla.breached']);
    for (const quiet of [fresh, cancelled, signed, returned]) expect(slaNamesOf(quiet.taskId)).toEqual([]);

    const [warning] = slaEventsOf(warned.taskId);
    expect(warning!.audience).toEqual({ consortiumId: a.consortiumId });
    const [row] = await t.sql<{ queued: Date; due: Date }>(
      'SELECT queued_at AS queued, due_at AS due FROM reading_tasks WHERE id = $1',
      [warned.taskId],
    );
    expect(warning!.payload).toMatchObject({
      taskId: warned.taskId,
      requestId: warned.id,
      centreId: a.centreIds.ecg,
      state: 'queued',
      priority: 'stat',
      dueAt: row!.due.toISOString(),
      warnAt: new Date(row!.queued.getTime() + 24 * MINUTE).toISOString(),
    });
    // Ids, states and times only: nothing about the patient.
    expect(Object.keys(warning!.payload).sort()).toEqual([...TASK_PAYLOAD_KEYS, 'warnAt'].sort());
    expect(slaEventsOf(held.taskId)[0]!.payload.state).toBe('claimed');
    expect(slaEventsOf(breached.taskId)[0]!.audience).toEqual({ consortiumId: a.consortiumId });
    expect(Object.keys(slaEventsOf(breached.taskId)[0]!.payload).sort()).toEqual(TASK_PAYLOAD_KEYS);
    expect(slaEventsOf(foreign.taskId)[0]!.audience).toEqual({ consortiumId: b.consortiumId });

    // The flags are in the database, so the next sweep (here or in another process, after a restart) stays quiet.
    expect(await flags(warned.taskId)).toEqual({ warned: expect.any(Date), breached: null });
    expect(await flags(breached.taskId)).toEqual({ warned: null, breached: expect.any(Date) });
    const before = recorded.events.length;
    expect(await sweep()).toEqual({ released: 0, warned: 0, breached: 0 });
    expect(recorded.events.length).toBe(before);

    // The warned task runs out of time too: now the breach, still once.
    await age(t, warned.taskId, 31);
    expect(await sweep()).toEqual({ released: 0, warned: 0, breached: 1 });
    await sweep();
    expect(slaNamesOf(warned.taskId)).toEqual(['sla.warning', 'sla.breached']);
  });

  it('sends each notice once when several sweeps run at the same time', async () => {
    const made = [];
    for (let i = 0; i < 6; i += 1) made.push(await newRequest(t, i % 2 ? a : b));
    for (const [i, m] of made.entries()) await age(t, m.taskId, i < 3 ? 25 : 35);
    const results = await Promise.all([sweep(), sweep(), sweep(), sweep()]);
    expect(results.reduce((sum, r) => sum + r.warned, 0)).toBe(3);
    expect(results.reduce((sum, r) => sum + r.breached, 0)).toBe(3);
    for (const [i, m] of made.entries()) {
      expect(slaNamesOf(m.taskId)).toEqual([i < 3 ? 'sla.warning' : 'sla.breached']);
    }
  });

  it('works a backlog in short batches until nothing is left, each task flagged once', async () => {
    await drain(t, a);
    const made = [];
    for (let i = 0; i < 5; i += 1) made.push(await newRequest(t, a));
    for (const [i, m] of made.entries()) await age(t, m.taskId, i < 2 ? 25 : 35);
    // Batches of two: three breaches take two batches, and the loop goes on until a batch comes back short.
    expect(await t.app.get(SlaSweep).run(2)).toEqual({ released: 0, warned: 2, breached: 3 });
    for (const [i, m] of made.entries()) {
      expect(slaNamesOf(m.taskId)).toEqual([i < 2 ? 'sla.warning' : 'sla.breached']);
    }
  });

  it('a resubmitted task has a new due time and is watched afresh', async () => {
    await drain(t, a);
    const req = await newRequest(t, a);
    const token = await claim(t, a, req.taskId);
    await age(t, req.taskId, 31);
    await sweep();
    expect(slaNamesOf(req.taskId)).toEqual(['sla.breached']);
    await postAs(t, `/api/tasks/${req.taskId}/return`, a.tokens.reader, {
      fencingToken: token,
      reason: 'poor_image_quality',
      note: '导联脱落，请重做',
    }).expect(200);
    await sweep();
    await postAs(t, `/api/requests/${req.id}/resubmit`, a.tokens.clinic_doctor, {}).expect(200);
    expect(await flags(req.taskId)).toEqual({ warned: null, breached: null });
    await sweep();
    expect(slaNamesOf(req.taskId)).toEqual(['sla.breached']);
    await age(t, req.taskId, 25);
    await sweep();
    await age(t, req.taskId, 31);
    await sweep();
    expect(slaNamesOf(req.taskId)).toEqual(['sla.breached', 'sla.warning', 'sla.breached']);
  });

  it('puts a task whose lease ran out back in the queue without anyone claiming', async () => {
    await drain(t, a);
    const req = await newRequest(t, a);
    const token = await claim(t, a, req.taskId);
    await t.sql(`UPDATE reading_tasks SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [req.taskId]);
    const from = recorded.events.length;

    expect(await sweep()).toMatchObject({ released: 1 });

    const [task] = await t.sql<{ state: string; holder: string | null; lease: Date | null; token: string }>(
      `SELECT state, holder_user_id AS holder, lease_expires_at AS lease, fencing_token::text AS token
         FROM reading_tasks WHERE id = $1`,
      [req.taskId],
    );
    expect(task).toEqual({ state: 'queued', holder: null, lease: null, token: String(token) });
    const released = recorded.events.slice(from).filter((e) => e.name === 'task.released');
    expect(released).toEqual([
      {
        name: 'task.released',
        audience: { centreId: a.centreIds.ecg },
        payload: expect.objectContaining({ taskId: req.taskId, state: 'queued', cause: 'lease_expired' }),
      },
    ]);
    const [claims] = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'reading.task.claim' AND object_id = $1`,
      [req.taskId],
    );
    expect(claims!.n).toBe(1);
  });

  it('with JOBS_ENABLED=false, schedules nothing but installs the queue, so this process could still send', async () => {
    expect(await t.sql('SELECT name FROM pgboss.schedule')).toEqual([]);
    expect(await t.sql('SELECT name FROM pgboss.queue WHERE name = $1', [SLA_SWEEP_JOB])).toHaveLength(1);
  });
});

describe('Reading: the SLA sweep as a pg-boss job (JOBS_ENABLED=true, the hub default)', () => {
  let t: TestApp;
  let c: Tenant;
  let recorded: ReturnType<typeof recorder>;
  let closed = false;

  beforeAll(async () => {
    t = await startTestApp({ JOBS_ENABLED: 'true' });
    c = await createTenant(t);
    recorded = recorder(t);
  });
  afterAll(async () => {
    recorded?.stop();
    if (!closed) await t?.close();
  });

  it('registers the sweep on a one-minute schedule', async () => {
    expect(await t.sql('SELECT name, cron, timezone FROM pgboss.schedule WHERE name = $1', [SLA_SWEEP_JOB])).toEqual([
      { name: SLA_SWEEP_JOB, cron: '* * * * *', timezone: 'UTC' },
    ]);
  });

  it('a pg-boss worker, running as the app role, runs the sweep: an expired lease goes back to the queue', async () => {
    const req = await newRequest(t, c);
    await claim(t, c, req.taskId);
    await t.sql(`UPDATE reading_tasks SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [req.taskId]);
    const jobId = await t.app.get(JobQueue).send(SLA_SWEEP_JOB);
    expect(jobId).toEqual(expect.any(String));

    const released = await eventually('task.released', async () =>
      recorded.events.find((e) => e.name === 'task.released' && e.payload.taskId === req.taskId),
    );
    expect(released.payload).toMatchObject({ cause: 'lease_expired', state: 'queued' });
    const state = await eventually('the job to complete', async () => {
      const [job] = await t.sql<{ state: string }>('SELECT state FROM pgboss.job WHERE id = $1', [jobId]);
      return job && ['completed', 'failed'].includes(job.state) ? job.state : undefined;
    });
    expect(state).toBe('completed');
  });

  it('gives the app role the queue tables but no DDL in the job schema', async () => {
    const client = new pg.Client({ connectionString: t.appUrl });
    await client.connect();
    try {
      await expect(client.query('CREATE TABLE pgboss.sneaky (id int)')).rejects.toMatchObject({ code: '42501' });
      await expect(client.query('SELECT count(*) FROM pgboss.job')).resolves.toBeDefined();
    } finally {
      await client.end();
    }
  });

  it('closes promptly, workers and timers stopped', async () => {
    const started = Date.now();
    closed = true;
    await t.close();
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
