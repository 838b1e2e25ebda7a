import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { Server } from 'socket.io';
import { SocketIoPostgresLink } from '@hub/db';
import { eventually, withinDeadline } from '../../support/eventually.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

/** More than the link's pool holds (4): each drop used to cost one connection for good. */
const DROPS = 5;

describe('SocketIoPostgresLink when the server drops its LISTEN connection', () => {
  let db: TestDatabase;
  let owner: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    owner = new pg.Client({ connectionString: db.adminUrl });
    await owner.connect();
  });
  afterAll(async () => {
    await owner?.end();
    await db?.drop();
  });

  const listener = async () => {
    const { rows } = await owner.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'`,
    );
    return rows[0]?.pid;
  };

  it('listens again after every drop and still closes (its dropped clients go back to the pool)', async () => {
    const errors: Error[] = [];
    const link = new SocketIoPostgresLink(db.appUrl, (err) => errors.push(err));
    // Attached to an HTTP server that never listens: only the adapter is under test.
    const io = new Server(createServer());
    io.adapter(link.adapter());
    try {
      let pid = await eventually('the adapter to LISTEN', listener);
      for (let drop = 0; drop < DROPS; drop++) {
        await owner.query('SELECT pg_terminate_backend($1)', [pid]);
        const dropped = pid;
        pid = await eventually(`the adapter to LISTEN again after drop ${drop + 1}`, async () => {
          const now = await listener();
          return now !== undefined && now !== dropped ? now : undefined;
        });
      }
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      await io.close();
    }
    const closed = await withinDeadline(
      link.close().then(() => 'closed'),
      10_000,
      'still closing after 10 s',
    );
    expect(closed).toBe('closed');
  }, 60_000);
});
