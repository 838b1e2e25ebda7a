import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import request from 'supertest';
import { createHubApp } from '../../apps/hub/src/create-hub-app.js';
import type { DatabaseUrls } from '@hub/db';
import { createTestDatabase } from './test-database.js';

export const TEST_ADMIN_PASSWORD = 'test-admin-password-0';
export const TEST_JWT_SECRET = 'test-jwt-secret-that-is-long-enough-0123456789';

export interface TestApp {
  app: INestApplication;
  http: Server;
  adminUrl: string;
  appUrl: string;
  dataDir: string;
  /** The test database as its owner, for looking at rows a test cannot see through the API. */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * The whole hub, as production builds it, on its own fresh database and data folder, listening on loopback.
 * The environment is explicit (not inherited), so a developer's shell cannot change what a test sees.
 * `opts.database`: a migrated database the test owns (e.g. on a PostgreSQL server of its own) instead of a fresh one
 * on the shared test server; it is left as it is on close.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  opts: { database?: DatabaseUrls } = {},
): Promise<TestApp> {
  const db = opts.database ? { ...opts.database, drop: () => Promise.resolve() } : await createTestDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'hub-test-data-'));
  const app = await createHubApp({
    NODE_ENV: 'test',
    DATABASE_URL: db.appUrl,
    DATABASE_ADMIN_URL: db.adminUrl,
    DATA_DIR: dataDir,
    HUB_JWT_SECRET: TEST_JWT_SECRET,
    HUB_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    PASSWORD_HASH_MEMORY_KIB: '4096',
    // A test runs the SLA sweep itself when it needs one: a background sweep each minute would race with its steps.
    JOBS_ENABLED: 'false',
    // The DICOM port is opened only by the tests of the gateway (on a free port: DICOM_PORT 0).
    DICOM_ENABLED: 'false',
    ...env,
  });
  await app.listen(0, '127.0.0.1');
  const pool = new pg.Pool({ connectionString: db.adminUrl, max: 2 });
  // An idle connection the server drops (a test stopping PostgreSQL) must not crash the test process.
  pool.on('error', () => undefined);
  return {
    app,
    http: app.getHttpServer() as Server,
    adminUrl: db.adminUrl,
    appUrl: db.appUrl,
    dataDir,
    sql: async (text, params) => (await pool.query(text, params)).rows,
    close: async () => {
      await pool.end();
      await app.close();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The environment of a compiled hub replica (startHubProcess) sharing this app's database and data folder, with the
 * background jobs left to this app; `env` adds to it (e.g. SOCKET_ADAPTER).
 */
export function replicaEnvOf(t: TestApp, env: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: t.appUrl,
    DATABASE_ADMIN_URL: t.adminUrl,
    DATA_DIR: t.dataDir,
    HUB_JWT_SECRET: TEST_JWT_SECRET,
    HUB_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PASSWORD_HASH_MEMORY_KIB: '4096',
    JOBS_ENABLED: 'false',
    ...env,
  };
}

/** A hub to talk to: one started in this process, or the base URL (http://host:port) of one running elsewhere. */
export type HubTarget = TestApp | string;

export function baseUrlOf(target: HubTarget): string {
  if (typeof target === 'string') return target;
  return `http://127.0.0.1:${(target.http.address() as AddressInfo).port}`;
}

export async function login(t: TestApp, username: string, password: string): Promise<string> {
  const res = await request(t.http).post('/api/auth/login').send({ username, password });
  if (res.status !== 200) throw new Error(`login as ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken as string;
}
