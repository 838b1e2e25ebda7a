import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { recordFigure } from '../../support/reliability.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

describe('fault: PostgreSQL terminates every hub connection under load', () => {
  let t: TestApp;
  let a: Tenant;

  beforeAll(async () => {
    t = await startTestApp();
    a = await createTenant(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps serving: no 500, the pool reconnects by itself, and no commit is lost', async () => {
    const statuses = new Map<number, number>();
    let running = true;
    let created = 0;
    // Eight clients reading and writing (patients) while the connections are killed twice.
    const client = async (n: number) => {
      for (let i = 0; running; i++) {
        const read = await request(t.http).get('/api/requests').auth(a.tokens.clinic_doctor, { type: 'bearer' });
        statuses.set(read.status, (statuses.get(read.status) ?? 0) + 1);
        const write = await request(t.http)
          .post('/api/patients')
          .auth(a.tokens.clinic_doctor, { type: 'bearer' })
          .send({ localId: `TERM-${n}-${i}`, name: '断连^测试', sex: 'F', birthDate: '1970-01-01' });
        statuses.set(write.status, (statuses.get(write.status) ?? 0) + 1);
        if (write.status === 201) created++;
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, n) => client(n)));
    const terminated: number[] = [];
    // The second round also proves the pool reconnected: it must find fresh hub connections to kill. On a slow
    // machine the pool may briefly hold none (all just killed, none yet re-opened), so each round looks again.
    for (let round = 0; round < 2; round++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      let killed = 0;
      for (const deadline = Date.now() + 15_000; killed === 0 && Date.now() < deadline;) {
        const rows = await t.sql<{ n: number }>(
          `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND usename <> current_user`,
        );
        killed = rows[0]!.n;
        if (killed === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      terminated.push(killed);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    running = false;
    await load;

    expect(terminated.every((n) => n > 0)).toBe(true);
    // A request caught on a dying connection may be refused with 503 (try again); never a 500, never a hang.
    expect([...statuses.keys()].filter((s) => ![200, 201, 503].includes(s))).toEqual([]);
    // Every 201 is a committed row: nothing acknowledged was lost.
    const [{ n }] = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM patient_identifiers WHERE local_id LIKE 'TERM-%'`,
    );
    expect(n).toBe(created);
    // And afterwards everything works at once.
    await request(t.http).get('/api/requests').auth(a.tokens.clinic_doctor, { type: 'bearer' }).expect(200);
    await request(t.http).get('/health/ready').expect(200);
    const total = [...statuses.values()].reduce((sum, count) => sum + count, 0);
    await recordFigure(
      `${terminated.join(' + ')} connections killed; ${total} requests, ${statuses.get(503) ?? 0} answered 503, ` +
        `${created} acknowledged writes, all ${n} committed`,
    );
  }, 60_000);
});
