import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource, QueryFailedError } from 'typeorm';
import { buildDataSourceOptions, PreparedStatement, preparedQuery } from '@hub/db';
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

  it('passes PostgreSQL errors on as QueryFailedError with their SQLSTATE and releases the connection', async () => {
    const failure = await countryOf.run(ds, ['CN', 'not a number']).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect(failure).toMatchObject({ code: '22P02' });
    expect(await countryOf.run(ds, ['CN', 2])).toEqual([{ code: 'CN', echoed: 2 }]);
  });

  it("prepares a composed text once and answers the rows of an UPDATE … RETURNING, not TypeORM's [rows, count]", async () => {
    const text = `UPDATE composed_counter SET n = n + $1 RETURNING n`;
    const answers = await ds.transaction(async (m) => {
      await m.query('CREATE TEMP TABLE composed_counter (n int) ON COMMIT DROP');
      await m.query('INSERT INTO composed_counter VALUES (0)');
      return [
        await preparedQuery<{ n: number }>(m, text, [2]),
        await preparedQuery<{ n: number }>(m, text, [3]),
        ((await m.query('SELECT statement FROM pg_prepared_statements')) as { statement: string }[]).map(
          (r) => r.statement,
        ),
      ];
    });
    expect(answers.slice(0, 2)).toEqual([[{ n: 2 }], [{ n: 5 }]]);
    expect((answers[2] as string[]).filter((s) => s === text)).toHaveLength(1);
  });
});
