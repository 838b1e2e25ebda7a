import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createHubApp } from '../../apps/hub/src/create-hub-app.js';
import { seedDemo } from '../../apps/hub/src/demo/demo-seed.js';
import { freePort } from '../support/global-setup.js';

export { freePort };

export interface BenchHub {
  base: string;
  dataDir: string;
  /** An access token of the demo consortium's clinic technician. */
  technicianToken: string;
  /** The platform administrator's (`admin`) password. */
  adminPassword: string;
  /** A new, unconnected client of the embedded database as its owner, for seeding and counting with SQL. */
  ownerClient(): pg.Client;
  close(): Promise<void>;
}

/**
 * The whole hub on the embedded PostgreSQL (on a free port) and a local-disk store in a temporary folder, seeded with
 * the demo; no DICOM port unless `env` asks for one.
 */
export async function startBenchHub(env: Record<string, string> = {}): Promise<BenchHub> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'hub-bench-'));
  const pgPort = await freePort();
  const adminPassword = `bench-${randomBytes(12).toString('base64url')}`;
  const app = await createHubApp({
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pgPort),
    HUB_ADMIN_PASSWORD: adminPassword,
    LOG_LEVEL: 'silent',
    ORPHAN_SWEEP_INTERVAL_MINUTES: '0',
    LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    DICOM_ENABLED: 'false',
    ...env,
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as net.AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const { logins } = await seedDemo(app);
  const technician = logins.find((l) => l.role === 'clinic_technician')!;
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: technician.username, password: technician.password }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  return {
    base,
    dataDir,
    technicianToken: accessToken,
    adminPassword,
    ownerClient: () => embeddedOwnerClient(dataDir, pgPort),
    close: async () => {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function embeddedOwnerClient(dataDir: string, pgPort: number): pg.Client {
  return new pg.Client({
    host: '127.0.0.1',
    port: pgPort,
    database: 'hub',
    user: 'postgres',
    password: readFileSync(path.join(dataDir, 'secrets', 'pg-owner-password'), 'utf8').trim(),
  });
}
