import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { AUDIT_RETENTION_JOB, AuditRepository, AuditRetention } from '@hub/audit';
import { uploadEcgStudy } from '../../support/reading.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

const DAY_MS = 24 * 3600 * 1000;

describe('audit retention: old events go, the chain still verifies', () => {
  let t: TestApp;
  let a: Tenant;
  const verify = () => t.app.get(AuditRepository).verifyChain();
  const counts = async () =>
    (
      await t.sql<Record<string, number>>(
        `SELECT (SELECT count(*)::int FROM studies) AS studies, (SELECT count(*)::int FROM study_files) AS files,
                (SELECT count(*)::int FROM audit_events) AS events`,
      )
    )[0]!;
  /** As the owner (or someone with the disk) could: the events of the first `n` links now look `days` old. */
  const backdateOldest = async (n: number, days: number) => {
    await t.sql('ALTER TABLE audit_events DISABLE TRIGGER USER');
    await t.sql(
      `UPDATE audit_events SET occurred_at = now() - make_interval(days => $2)
        WHERE id IN (SELECT event_id FROM audit_chain ORDER BY seq LIMIT $1)`,
      [n, days],
    );
    await t.sql('ALTER TABLE audit_events ENABLE TRIGGER USER');
  };

  beforeAll(async () => {
    t = await startTestApp({ JOBS_ENABLED: 'true', AUDIT_RETENTION_DAYS: '365', AUDIT_SEAL_INTERVAL_MS: '200' });
    a = await createTenant(t);
    await uploadEcgStudy(t, a.tokens.clinic_doctor, 'RET-1');
    expect((await verify()).valid).toBe(true);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is scheduled on the job queue with the configured cron', async () => {
    const rows = await t.sql<{ cron: string }>('SELECT cron FROM pgboss.schedule WHERE name = $1', [
      AUDIT_RETENTION_JOB,
    ]);
    expect(rows).toEqual([{ cron: '17 3 * * *' }]);
  });

  it('removes nothing while every event is inside the window, and writes no event for it', async () => {
    const before = await counts();
    expect(await t.app.get(AuditRetention).run()).toMatchObject({ removed: 0 });
    expect(await counts()).toEqual(before);
    expect(await t.sql('SELECT 1 FROM audit_chain_anchors')).toEqual([]);
  });

  it('removes the events past the window as a prefix of the chain, records an anchor and still verifies', async () => {
    const before = await counts();
    const [{ total }] = await t.sql<{ total: number }>('SELECT count(*)::int AS total FROM audit_chain');
    expect(total).toBeGreaterThan(6);
    await backdateOldest(5, 400);
    const [fifth] = await t.sql<{ hash: string }>('SELECT hash FROM audit_chain WHERE seq = 5');

    // Backdating changed the content of those events, so until they go the chain is (rightly) broken.
    expect((await verify()).valid).toBe(false);
    const result = await t.app.get(AuditRetention).run(new Date(), 3); // batches of 3: two passes
    expect(result.removed).toBe(5);
    expect(new Date(result.cutoff).getTime()).toBeCloseTo(Date.now() - 365 * DAY_MS, -5);

    const anchors = await t.sql<{ through_seq: string; hash: string; removed_events: number }>(
      'SELECT through_seq, hash, removed_events FROM audit_chain_anchors ORDER BY through_seq',
    );
    expect(anchors.map((r) => [r.through_seq, r.removed_events])).toEqual([
      ['3', 3],
      ['5', 2],
    ]);
    expect(anchors[1]!.hash).toBe(fifth!.hash);
    const retentionEvents = await t.sql<{ details: Record<string, unknown> }>(
      `SELECT details FROM audit_events WHERE action = 'audit.retention' ORDER BY id`,
    );
    expect(retentionEvents.map((e) => e.details)).toEqual([
      expect.objectContaining({ throughSeq: '3', removedEvents: 3 }),
      expect.objectContaining({ throughSeq: '5', removedEvents: 2, anchorHash: fifth!.hash }),
    ]);
    expect(await t.sql('SELECT 1 FROM audit_chain WHERE seq <= 5')).toEqual([]);

    const verification = await verify();
    expect(verification).toMatchObject({ valid: true });
    expect(verification.checked).toBe(total - 5 + 2); // the remaining links and the two retention events
    // Only audit events went: the study and its files are untouched.
    expect(await counts()).toEqual({ ...before, events: before.events - 5 + 2 });
  });

  it('still detects a changed remaining event', async () => {
    await t.sql('ALTER TABLE audit_events DISABLE TRIGGER USER');
    const [row] = await t.sql<{ id: string; action: string }>(
      `SELECT e.id, e.action FROM audit_events e JOIN audit_chain c ON c.event_id = e.id ORDER BY c.seq LIMIT 1`,
    );
    await t.sql(`UPDATE audit_events SET action = 'tampered' WHERE id = $1`, [row!.id]);
    try {
      expect(await verify()).toMatchObject({ valid: false, brokenAt: row!.id, reason: /content does not match/ });
    } finally {
      await t.sql('UPDATE audit_events SET action = $2 WHERE id = $1', [row!.id, row!.action]);
      await t.sql('ALTER TABLE audit_events ENABLE TRIGGER USER');
    }
    expect((await verify()).valid).toBe(true);
  });

  it('refuses an anchor that no chained retention event records (links skipped by hand)', async () => {
    const [{ seq, hash }] = await t.sql<{ seq: string; hash: string }>(
      'SELECT seq, hash FROM audit_chain ORDER BY seq OFFSET 2 LIMIT 1',
    );
    await t.sql('ALTER TABLE audit_chain_anchors DISABLE TRIGGER USER');
    try {
      await t.sql(
        `INSERT INTO audit_chain_anchors (through_seq, hash, removed_events, cutoff, event_id)
         VALUES ($1, $2, 0, now(), (SELECT max(id) FROM audit_events))`,
        [seq, hash],
      );
      expect(await verify()).toMatchObject({ valid: false, reason: /not recorded by its chained audit.retention/ });
    } finally {
      await t.sql('DELETE FROM audit_chain_anchors WHERE through_seq = $1', [seq]);
      await t.sql('ALTER TABLE audit_chain_anchors ENABLE TRIGGER USER');
    }
    expect((await verify()).valid).toBe(true);
  });

  it('cannot be used by the hub role to remove recent events, nor to write an anchor, nor to delete directly', async () => {
    const app = new pg.Client({ connectionString: t.appUrl });
    await app.connect();
    try {
      await expect(app.query(`SELECT audit_prune(now() - interval '30 days', 1000)`)).rejects.toThrow(
        /kept at least 183 days/,
      );
      await expect(
        app.query(`INSERT INTO audit_chain_anchors (through_seq, hash, removed_events, cutoff, event_id)
                   VALUES (999999, 'x', 0, now(), 1)`),
      ).rejects.toMatchObject({ code: '42501' });
      await expect(app.query('DELETE FROM audit_events')).rejects.toMatchObject({ code: '42501' });
    } finally {
      await app.end();
    }
    // The owner too: outside audit_prune, a DELETE still hits the append-only trigger.
    await expect(t.sql('DELETE FROM audit_chain WHERE seq = (SELECT max(seq) FROM audit_chain)')).rejects.toThrow(
      /append-only/,
    );
  });
});
