import { readFileSync } from 'node:fs';
import pg from 'pg';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createHubApp } from '../../apps/hub/src/create-hub-app.js';
import { seedDemo } from '../../apps/hub/src/demo/demo-seed.js';
import { freePort } from '../support/global-setup.js';

export { freePort };

export interface BenchHub {
  base: string;
  dataDir: string;
  /** An access token of the demo consortium's clinic technician. */
  technicianToken: string;
  close(): Promise<void>;
}

/** The whole hub on the embedded PostgreSQL and a local-disk store in a temporary folder, seeded with the demo. */
export async function startBenchHub(env: Record<string, string> = {}): Promise<BenchHub> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'hub-bench-'));
  const app = await createHubApp({
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(await freePort()),
    LOG_LEVEL: 'silent',
    ORPHAN_SWEEP_INTERVAL_MINUTES: '0',
    LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
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
    close: async () => {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A connection to the embedded database as its owner, for seeding with SQL (benchmarks only). */
export function embeddedOwnerClient(dataDir: string, pgPort: number): pg.Client {
  return new pg.Client({
    host: '127.0.0.1',
    port: pgPort,
    database: 'hub',
    user: 'postgres',
    password: readFileSync(path.join(dataDir, 'secrets', 'pg-owner-password'), 'utf8').trim(),
  });
}
