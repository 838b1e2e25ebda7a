import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { dicomFixture } from '../../fixtures/dicom-fixtures.js';
import { multipartRelated, stowContentType } from '../../support/dicomweb.js';
import { type PausableProxy, startPausableProxy } from '../../support/pausable-proxy.js';
import { recordFigure } from '../../support/reliability.js';
import { s3EnvOf, type S3TestServer, startS3TestServer } from '../../support/s3-test-server.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

describe('fault: the object store becomes unreachable, then comes back', () => {
  let s3: S3TestServer;
  let proxy: PausableProxy;
  let t: TestApp;
  let a: Tenant;
  let ct: Buffer;
  const stow = (body: Buffer) =>
    request(t.http)
      .post('/dicomweb/studies')
      .set('Content-Type', stowContentType('o'))
      .auth(a.tokens.clinic_technician, { type: 'bearer' })
      .send(multipartRelated([{ body }], 'o'));
  const instances = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM instances'))[0]!.n;

  beforeAll(async () => {
    s3 = await startS3TestServer();
    proxy = await startPausableProxy({ host: s3.endPoint, port: s3.port });
    t = await startTestApp(s3EnvOf(s3, { port: proxy.port }));
    a = await createTenant(t);
    ct = await readFile(dicomFixture('ct-small.dcm').path);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await proxy?.close();
    await s3?.stop();
  });

  it('answers 503 with a clear message while it is down, stores nothing half, and recovers without a restart', async () => {
    await proxy.down();
    const downAt = performance.now();
    // Several uploads during the outage: each refused the same way, none half-stored.
    const OUTAGE_REQUESTS = 5;
    for (let i = 0; i < OUTAGE_REQUESTS; i++) {
      const refused = await stow(ct);
      expect(refused.status).toBe(503);
      expect(refused.body.message).toMatch(/object store/i);
    }
    expect(await instances()).toBe(0);
    const health = await request(t.http).get('/health/ready');
    expect(health.status).toBe(503);
    expect(health.body.details).toEqual({ database: 'up', storage: 'down' });
    await request(t.http).get('/health/live').expect(200);

    await proxy.up();
    const upAt = performance.now();
    await stow(ct).expect(200);
    const storedAfterMs = performance.now() - upAt;
    expect(await instances()).toBe(1);
    await request(t.http).get('/health/ready').expect(200);
    await recordFigure(
      `outage of ${((upAt - downAt) / 1000).toFixed(1)} s: ${OUTAGE_REQUESTS} of ${OUTAGE_REQUESTS} STOW requests ` +
        `answered 503, 0 stored, readiness 503 (storage down); the first STOW after the store came back stored in ` +
        `${storedAfterMs.toFixed(0)} ms, no restart`,
    );
  });
});
