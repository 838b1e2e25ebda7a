import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, PreparedStatement } from '@hub/db';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

describe('PreparedStatement against PostgreSQL', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const countryOf = new PreparedStatement<{ code: string; echoed: number }>(
    'SELECT code, $2::int AS echoed FROM (VALUES ($1::text)) AS t(code)',
  );
  const preparedHere = new PreparedStatement<{ statements: string[] }>(
    'SELECT coalesce(array_agg(statement ORDER BY statement), ARRAY[]::text[]) AS statements FROM pg_prepared_statements',
  );

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(buildDataSourceOptions(db.appUrl, [], 1)).initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('binds its parameters and answers rows, each call on a pooled connection that is given back', async () => {
    expect(await countryOf.run(ds, ['CN', 7])).toEqual([{ code: 'CN', echoed: 7 }]);
    // The pool holds one connection: a second call only completes if the first gave it back.
    expect(await countryOf.run(ds, ['HK', 8])).toEqual([{ code: 'HK', echoed: 8 }]);
  });

  it('is prepared once on the connection and reused by later calls', async () => {
    await countryOf.run(ds, ['CN', 1]);
    const [{ statements }] = (await preparedHere.run(ds, [])) as [{ statements: string[] }];
    expect(statements.filter((s) => s === countryOf.text)).toHaveLength(1);
  });

  it('runs inside the transaction of the manager it is given, seeing its uncommitted writes', async () => {
    const seen = await ds.transaction(async (m) => {
      await m.query('CREATE TEMP TABLE drafts (v text) ON COMMIT DROP');
      await m.query(`INSERT INTO drafts VALUES ('uncommitted')`);
      return new PreparedStatement<{ v: string }>('SELECT v FROM drafts WHERE v = $1').run(m, ['uncommitted']);
    });
    expect(seen).toEqual([{ v: 'uncommitted' }]);
  });

  it('passes PostgreSQL errors on with their SQLSTATE and releases the connection', async () => {
    await expect(countryOf.run(ds, ['CN', 'not a number'])).rejects.toMatchObject({ code: '22P02' });
    expect(await countryOf.run(ds, ['CN', 2])).toEqual([{ code: 'CN', echoed: 2 }]);
  });
});
