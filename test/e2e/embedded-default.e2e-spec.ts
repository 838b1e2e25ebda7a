import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createHubApp } from '../../apps/hub/src/create-hub-app.js';
import { freePort } from '../support/global-setup.js';

/** What `npm start` does on a fresh machine: no DATABASE_URL, no S3, no admin password configured. */
describe('embedded default: PostgreSQL and objects under DATA_DIR', () => {
  let dataDir: string;
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  async function boot(env: Record<string, string>) {
    const printed: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      const app = await createHubApp(env);
      await app.listen(0, '127.0.0.1');
      return { app, printed: printed.join('') };
    } finally {
      spy.mockRestore();
    }
  }

  it('starts its own PostgreSQL, migrates it, prints a generated admin password once, and stops it on shutdown', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'hub-embedded-'));
    const env = {
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
      DICOM_PORT: '0',
      LOG_LEVEL: 'silent',
      PASSWORD_HASH_MEMORY_KIB: '4096',
      EMBEDDED_PG_SHARED_BUFFERS_MB: '192',
    };

    const first = await boot(env);
    const password = /password '([^']+)'/.exec(first.printed)?.[1];
    expect(password).toBeDefined();
    const health = await request(first.app.getHttpServer()).get('/health').expect(200);
    expect(health.body.info.storage.backend).toBe('local');
    expect(existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'objects'))).toBe(true);
    // Where there is one, the hub talks to its embedded server over the Unix socket (no client address), not TCP.
    if (process.platform !== 'win32') {
      const [clients] = await first.app.get(DataSource)
        .query(`SELECT count(*) FILTER (WHERE client_addr IS NOT NULL)::int AS tcp, count(*)::int AS all
                  FROM pg_stat_activity WHERE usename = current_user`);
      expect(clients).toMatchObject({ tcp: 0, all: expect.any(Number) });
      expect(clients.all).toBeGreaterThan(0);
    }
    const [buffers] = await first.app.get(DataSource).query(`SELECT current_setting('shared_buffers') AS size`);
    expect(buffers).toEqual({ size: '192MB' });
    await first.app.close();
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

    const second = await boot(env);
    expect(second.printed).not.toMatch(/password/);
    await request(second.app.getHttpServer()).post('/api/auth/login').send({ username: 'admin', password }).expect(200);
    await second.app.close();
  });
});
