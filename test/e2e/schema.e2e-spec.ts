import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '@hub/db';
import { allEntities } from '../../apps/hub/src/entities.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('schema: migrations are the truth', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('leaves nothing for the entities to change (no drift between entities and committed migrations)', async () => {
    const ds = await new DataSource(buildDataSourceOptions(db.adminUrl, allEntities, 1)).initialize();
    try {
      const sql = await ds.driver.createSchemaBuilder().log();
      expect(sql.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });

  it('runs the hub as a role that cannot change the schema or the migrations table', async () => {
    const app = new pg.Client({ connectionString: db.appUrl });
    await app.connect();
    try {
      await expect(app.query('CREATE TABLE sneaky (id int)')).rejects.toMatchObject({ code: '42501' });
      await expect(app.query('DELETE FROM migrations')).rejects.toMatchObject({ code: '42501' });
      await expect(app.query('DROP TABLE users')).rejects.toMatchObject({ code: '42501' });
    } finally {
      await app.end();
    }
  });
});
