import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '@hub/db';
import { AuditRepository } from '@hub/audit';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

/** The chain moved from columns of audit_events (sealed in the writing transaction) to audit_chain (sealed after). */
describe('audit chain migration (AuditSeals)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(buildDataSourceOptions(db.adminUrl, [], 1)).initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  /** Reverts the migrations from the last one back to AuditSeals, included. */
  const revertThroughAuditSeals = async () => {
    const names = ds.migrations.map((m) => m.name);
    const after = names.length - names.findIndex((n) => n?.startsWith('AuditSeals'));
    for (let i = 0; i < after; i++) await ds.undoLastMigration({ transaction: 'each' });
  };

  it('carries the hashes of a trail written before it over unchanged, and reverts', async () => {
    await revertThroughAuditSeals();
    for (const action of ['a.one', 'a.two', 'a.three']) {
      await ds.query(`INSERT INTO audit_events (action, object_type, outcome) VALUES ($1, 'test', 'success')`, [
        action,
      ]);
    }
    const before: { id: string; hash: string; prev_hash: string }[] = await ds.query(
      'SELECT id, hash, prev_hash FROM audit_events ORDER BY id',
    );
    expect(before).toHaveLength(3);

    await ds.runMigrations({ transaction: 'each' });
    const chain: { event_id: string; hash: string; prev_hash: string }[] = await ds.query(
      'SELECT event_id, hash, prev_hash FROM audit_chain ORDER BY seq',
    );
    expect(chain).toEqual(before.map((e) => ({ event_id: e.id, hash: e.hash, prev_hash: e.prev_hash })));
    await ds.query(`INSERT INTO audit_events (action, object_type, outcome) VALUES ('a.four', 'test', 'success')`);
    const verification = await new AuditRepository(ds).verifyChain();
    expect(verification).toEqual({ valid: true, checked: 4, pending: 0 });

    await revertThroughAuditSeals();
    const reverted: { n: number }[] = await ds.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE hash IS NOT NULL AND prev_hash IS NOT NULL`,
    );
    expect(reverted[0]!.n).toBe(4);
    await ds.runMigrations({ transaction: 'each' });
  });
});
