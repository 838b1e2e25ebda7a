import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type DatabaseUrls, migrateDatabase, withDatabase } from '@hub/db';

const TEMPLATE = 'hub_template';
const TEMPLATE_LOCK = 727_001;

function serverUrls(): { ownerUrl: string; appUrl: string } {
  const ownerUrl = process.env.HUB_TEST_PG_OWNER_URL;
  const appUrl = process.env.HUB_TEST_PG_APP_URL;
  if (!ownerUrl || !appUrl)
    throw new Error('The test PostgreSQL is not running: run the suites through jest (globalSetup)');
  return { ownerUrl, appUrl };
}

async function asOwner<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrls().ownerUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The first worker to get here migrates the template with the committed migrations; the others wait for it. */
async function ensureTemplate(): Promise<void> {
  await asOwner(async (c) => {
    await c.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    try {
      const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEMPLATE]);
      if (exists.rowCount) return;
      const building = `${TEMPLATE}_building`;
      await c.query(`DROP DATABASE IF EXISTS ${building}`);
      await c.query(`CREATE DATABASE ${building}`);
      const { ownerUrl, appUrl } = serverUrls();
      await migrateDatabase({ adminUrl: withDatabase(ownerUrl, building), appUrl: withDatabase(appUrl, building) });
      await c.query(`ALTER DATABASE ${building} RENAME TO ${TEMPLATE}`);
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
    }
  });
}

export interface TestDatabase extends DatabaseUrls {
  name: string;
  drop(): Promise<void>;
}

/** A fresh, fully migrated database (a copy of the template), with the same owner and app roles as production. */
export async function createTestDatabase(): Promise<TestDatabase> {
  await ensureTemplate();
  const name = `t_${randomBytes(8).toString('hex')}`;
  await asOwner((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`));
  const { ownerUrl, appUrl } = serverUrls();
  return {
    name,
    adminUrl: withDatabase(ownerUrl, name),
    appUrl: withDatabase(appUrl, name),
    drop: () => asOwner((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** A new database with nothing in it, not even the schema (what a restore starts from), with the same roles. */
export async function createEmptyTestDatabase(): Promise<TestDatabase> {
  const name = `e_${randomBytes(8).toString('hex')}`;
  await asOwner((c) => c.query(`CREATE DATABASE ${name}`));
  const { ownerUrl, appUrl } = serverUrls();
  return {
    name,
    adminUrl: withDatabase(ownerUrl, name),
    appUrl: withDatabase(appUrl, name),
    drop: () => asOwner((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
