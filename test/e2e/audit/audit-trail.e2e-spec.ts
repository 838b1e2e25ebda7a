import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import request from 'supertest';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

interface AuditEventBody {
  id: string;
  action: string;
  outcome: string;
  patientId: string | null;
  actorUserId: string | null;
  actorRoles: string[];
  actorInstitutionId: string | null;
  sourceIp: string | null;
}

describe('audit trail', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let patientId: string;

  const events = async (token: string, query: Record<string, string>): Promise<AuditEventBody[]> => {
    const res = await request(t.http).get('/api/audit').query(query).auth(token, { type: 'bearer' }).expect(200);
    return res.body.items as AuditEventBody[];
  };
  const withClient = async <T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = [await createTenant(t), await createTenant(t)];
    const res = await request(t.http)
      .post('/api/patients')
      .auth(a.tokens.clinic_doctor, { type: 'bearer' })
      .send({ localId: 'AUD-1', name: '赵六' })
      .expect(201);
    patientId = res.body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('records who created and who read a patient, with role, institution and source address', async () => {
    await request(t.http)
      .get(`/api/patients/${patientId}`)
      .auth(a.tokens.clinic_technician, { type: 'bearer' })
      .expect(200);
    const trail = await events(a.tokens.auditor, { patientId });
    const read = trail.find((e) => e.action === 'patient.read');
    const created = trail.find((e) => e.action === 'patient.create');
    expect(created).toMatchObject({
      outcome: 'success',
      actorUserId: a.userIds.clinic_doctor,
      actorRoles: ['clinic_doctor'],
    });
    expect(read).toMatchObject({
      outcome: 'success',
      patientId,
      actorUserId: a.userIds.clinic_technician,
      actorInstitutionId: a.clinicIds[0],
    });
    expect(read!.sourceIp).toMatch(/127\.0\.0\.1/);
  });

  it('records refused attempts as denied', async () => {
    await request(t.http)
      .get(`/api/patients/${patientId}`)
      .auth(b.tokens.clinic_doctor, { type: 'bearer' })
      .expect(403);
    const trail = await events(a.tokens.auditor, { patientId, outcome: 'denied' });
    // The other consortium's doctor is outside a's auditor scope; the platform auditor view is filtered by consortium.
    expect(trail).toEqual([]);
    const platform = await request(t.http)
      .get('/api/audit')
      .query({ patientId, outcome: 'denied' })
      .auth(b.tokens.auditor, { type: 'bearer' })
      .expect(200);
    expect(platform.body.items).toEqual([
      expect.objectContaining({ action: 'patient.read', actorUserId: b.userIds.clinic_doctor }),
    ]);
  });

  it('is readable by auditors only, and validates its filters', async () => {
    for (const role of ['admin', 'clinic_doctor', 'coordinator', 'senior_reader'] as const) {
      await request(t.http).get('/api/audit').auth(a.tokens[role], { type: 'bearer' }).expect(403);
    }
    await request(t.http).get('/api/audit').expect(401);
    const bad = await request(t.http)
      .get('/api/audit')
      .query({ limit: 'many' })
      .auth(a.tokens.auditor, { type: 'bearer' })
      .expect(400);
    expect(bad.body.message).toMatch(/limit/);
    await request(t.http)
      .get('/api/audit')
      .query({ patientId: 'x' })
      .auth(a.tokens.auditor, { type: 'bearer' })
      .expect(400);
    await request(t.http)
      .get('/api/audit')
      .query({ limit: '100000' })
      .auth(a.tokens.auditor, { type: 'bearer' })
      .expect(400);
  });

  it('audits the auditors', async () => {
    await events(a.tokens.auditor, { action: 'patient.read' });
    const trail = await events(a.tokens.auditor, { action: 'audit.read', actorUserId: a.userIds.auditor });
    expect(trail.length).toBeGreaterThan(0);
  });

  it('refuses UPDATE, DELETE and TRUNCATE on the audit table to the app role, and to the owner too', async () => {
    await withClient(t.appUrl, async (c) => {
      await expect(c.query(`UPDATE audit_events SET action = 'nothing'`)).rejects.toMatchObject({ code: '42501' });
      await expect(c.query('DELETE FROM audit_events')).rejects.toMatchObject({ code: '42501' });
      await expect(c.query('TRUNCATE audit_events')).rejects.toMatchObject({ code: '42501' });
      // Appending is what the app role may do; id and time are the database's to set.
      const inserted = await c.query(
        `INSERT INTO audit_events (id, occurred_at, action, object_type, outcome) VALUES (1, '2000-01-01', 'x.test', 'test', 'success') RETURNING id, occurred_at`,
      );
      expect(inserted.rows[0].id).not.toBe('1');
      expect(new Date(inserted.rows[0].occurred_at).getFullYear()).toBeGreaterThan(2000);
      // The chain is append-only too.
      await c.query('SELECT audit_seal(1000, true)');
      await expect(c.query(`UPDATE audit_chain SET hash = 'forged'`)).rejects.toMatchObject({ code: '42501' });
      await expect(c.query('DELETE FROM audit_chain')).rejects.toMatchObject({ code: '42501' });
    });
    await withClient(t.adminUrl, async (c) => {
      await expect(c.query(`UPDATE audit_events SET action = 'nothing'`)).rejects.toThrow(/append-only/);
      await expect(c.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
      await expect(c.query(`UPDATE audit_chain SET hash = 'forged'`)).rejects.toThrow(/append-only/);
    });
  });

  it('keeps one linear chain under concurrent writers', async () => {
    await Promise.all(
      Array.from({ length: 40 }, () =>
        request(t.http).get(`/api/patients/${patientId}`).auth(a.tokens.clinic_doctor, { type: 'bearer' }).expect(200),
      ),
    );
    const res = await request(t.http).get('/api/audit/verify').auth(a.tokens.auditor, { type: 'bearer' }).expect(200);
    expect(res.body.valid).toBe(true);
    expect(res.body.checked).toBeGreaterThan(40);
  });

  it('seals in runs of a few events, each continuing the chain where the run before ended', async () => {
    await request(t.http).get('/api/audit/verify').auth(a.tokens.auditor, { type: 'bearer' }).expect(200);
    await t.sql(
      `INSERT INTO audit_events (action, object_type, outcome)
       SELECT 'x.batch', 'test', 'success' FROM generate_series(1, 17)`,
    );
    const runs: number[] = [];
    for (;;) {
      const [{ n }] = await t.sql<{ n: number }>('SELECT audit_seal(5, true) AS n');
      if (n === 0) break;
      runs.push(n);
    }
    // The 17, and whatever the hub audited meanwhile (the verification before is audited too).
    expect(runs.slice(0, -1).every((n) => n === 5)).toBe(true);
    expect(runs.reduce((sum, n) => sum + n, 0)).toBeGreaterThanOrEqual(17);
    expect(runs.length).toBeGreaterThanOrEqual(4);
    const chain = await t.sql<{ seq: string; event_id: string }>(
      `SELECT c.seq::text, c.event_id::text FROM audit_chain c JOIN audit_events e ON e.id = c.event_id
        WHERE e.action = 'x.batch' ORDER BY c.seq`,
    );
    expect(chain).toHaveLength(17);
    chain.forEach((link, i) => {
      if (i === 0) return;
      expect(BigInt(link.seq)).toBe(BigInt(chain[i - 1]!.seq) + 1n);
      expect(BigInt(link.event_id)).toBeGreaterThan(BigInt(chain[i - 1]!.event_id));
    });
    const res = await request(t.http).get('/api/audit/verify').auth(a.tokens.auditor, { type: 'bearer' }).expect(200);
    expect(res.body).toMatchObject({ valid: true, pending: 0 });
  });

  it('keeps sealing while writers run, and counts events still in flight as pending', async () => {
    await withClient(t.appUrl, async (writer) => {
      await writer.query('BEGIN');
      await writer.query(
        `INSERT INTO audit_events (action, object_type, outcome) VALUES ('x.inflight', 'test', 'success')`,
      );
      // An open audited transaction no longer blocks anyone: the verification (which seals first) goes through.
      const res = await request(t.http).get('/api/audit/verify').auth(a.tokens.auditor, { type: 'bearer' }).expect(200);
      expect(res.body).toMatchObject({ valid: true });
      await writer.query('COMMIT');
    });
    const after = await request(t.http).get('/api/audit/verify').auth(a.tokens.auditor, { type: 'bearer' }).expect(200);
    expect(after.body).toMatchObject({ valid: true, pending: 0 });
  });

  it('detects an event written with the triggers off, outside the chain', async () => {
    const sneakyId = await withClient(t.adminUrl, async (c) => {
      await c.query(`SET session_replication_role = replica`);
      const r = await c.query(
        `INSERT INTO audit_events (id, occurred_at, action, object_type, outcome)
         VALUES (nextval('audit_events_id_seq'), now(), 'x.sneaky', 'test', 'success') RETURNING id`,
      );
      return r.rows[0].id as string;
    });
    const res = await request(t.http).get('/api/audit/verify').auth(a.tokens.auditor, { type: 'bearer' }).expect(200);
    expect(res.body).toMatchObject({ valid: false, brokenAt: sneakyId, reason: expect.stringMatching(/never sealed/) });
    await withClient(t.adminUrl, async (c) => {
      await c.query(`SET session_replication_role = replica`);
      await c.query('DELETE FROM audit_events WHERE id = $1', [sneakyId]);
    });
    const repaired = await request(t.http)
      .get('/api/audit/verify')
      .auth(a.tokens.auditor, { type: 'bearer' })
      .expect(200);
    expect(repaired.body.valid).toBe(true);
  });

  it('detects a changed event, a removed one, a removed link and an event kept out of the chain', async () => {
    const target = (await events(a.tokens.auditor, { patientId, action: 'patient.read' }))[0]!;
    const verify = async () =>
      (await request(t.http).get('/api/audit/verify').auth(a.tokens.auditor, { type: 'bearer' }).expect(200)).body;
    expect(await verify()).toMatchObject({ valid: true });
    // Only a superuser bypassing the triggers can do this: exactly the tampering the chain exists to reveal.
    const asSuperuser = (sql: string, params: unknown[] = []) =>
      withClient(t.adminUrl, async (c) => {
        await c.query(`SET session_replication_role = replica`);
        return c.query(sql, params);
      });
    await asSuperuser(`UPDATE audit_events SET actor_user_id = NULL WHERE id = $1`, [target.id]);
    expect(await verify()).toMatchObject({
      valid: false,
      brokenAt: target.id,
      reason: expect.stringMatching(/content/),
    });

    await asSuperuser(`UPDATE audit_events SET actor_user_id = $2 WHERE id = $1`, [target.id, target.actorUserId]);
    expect(await verify()).toMatchObject({ valid: true });
    await asSuperuser(`DELETE FROM audit_events WHERE id = $1`, [target.id]);
    expect(await verify()).toMatchObject({
      valid: false,
      brokenAt: target.id,
      reason: expect.stringMatching(/removed/),
    });

    await asSuperuser(`DELETE FROM audit_chain WHERE event_id = $1`, [target.id]);
    const gap = await verify();
    expect(gap).toMatchObject({ valid: false, reason: expect.stringMatching(/link/) });
    expect(BigInt(gap.brokenAt)).toBeGreaterThan(BigInt(target.id));
  });
});
