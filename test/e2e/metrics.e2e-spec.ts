import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { dicomFixture } from '../fixtures/dicom-fixtures.js';
import { multipartRelated, stowContentType } from '../support/dicomweb.js';
import { listenToEvents } from '../support/events.js';
import { uploadEcgStudy } from '../support/reading.js';
import { createTenant, type Tenant } from '../support/tenant.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const METRICS_TOKEN = 'metrics-token-for-the-test-0123';

/** The value of one sample of the exposition text, e.g. `hub_ingest_instances_total{outcome="stored"}`; 0 if absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('operations: liveness, readiness and Prometheus metrics', () => {
  let t: TestApp;
  let a: Tenant;
  const scrape = async () =>
    (await request(t.http).get('/metrics').auth(METRICS_TOKEN, { type: 'bearer' }).expect(200)).text;

  beforeAll(async () => {
    t = await startTestApp({ HUB_METRICS_TOKEN: METRICS_TOKEN });
    a = await createTenant(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('tells liveness from readiness, without a token', async () => {
    expect((await request(t.http).get('/health/live').expect(200)).body).toEqual({ status: 'ok' });
    const ready = await request(t.http).get('/health/ready').expect(200);
    expect(ready.body.info.database.status).toBe('up');
    expect(ready.body.info.storage.status).toBe('up');
  });

  it('serves /metrics only to the metrics token, in the Prometheus text format', async () => {
    const none = await request(t.http).get('/metrics').expect(401);
    expect(none.body.message).toMatch(/HUB_METRICS_TOKEN/);
    await request(t.http).get('/metrics').auth('not-the-metrics-token', { type: 'bearer' }).expect(401);
    // A user's session is not the scrape credential.
    await request(t.http).get('/metrics').auth(a.tokens.admin, { type: 'bearer' }).expect(401);
    const res = await request(t.http).get('/metrics').auth(METRICS_TOKEN, { type: 'bearer' }).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(res.text).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
  });

  it('times HTTP requests by route template, not by path', async () => {
    const series = 'hub_http_request_duration_seconds_count{method="GET",route="/api/studies/:id",status="404"}';
    const before = sample(await scrape(), series);
    for (const id of ['6f1c1b9e-0a53-4c55-9a55-0f3f1c1b9e01', '6f1c1b9e-0a53-4c55-9a55-0f3f1c1b9e02'])
      await request(t.http).get(`/api/studies/${id}`).auth(a.tokens.clinic_doctor, { type: 'bearer' }).expect(404);
    const text = await scrape();
    expect(sample(text, series)).toBe(before + 2);
    expect(text).not.toMatch(/route="\/api\/studies\/6f1c1b9e/);
  });

  it('counts DICOM instances stored, repeated and failed, and the bytes stored', async () => {
    const ct = await readFile(dicomFixture('ct-small.dcm').path);
    const stow = (body: Buffer) =>
      request(t.http)
        .post('/dicomweb/studies')
        .set('Content-Type', stowContentType('b'))
        .auth(a.tokens.clinic_technician, { type: 'bearer' })
        .send(multipartRelated([{ body }], 'b'));
    const before = await scrape();
    await stow(ct).expect(200);
    await stow(ct).expect(200); // the same bytes again: a no-op success
    await stow(Buffer.from('not a DICOM file at all')).expect(409);
    const after = await scrape();
    const delta = (series: string) => sample(after, series) - sample(before, series);
    expect(delta('hub_ingest_instances_total{outcome="stored"}')).toBe(1);
    expect(delta('hub_ingest_instances_total{outcome="duplicate"}')).toBe(1);
    expect(delta('hub_ingest_instances_total{outcome="failed"}')).toBe(1);
    expect(delta('hub_ingest_bytes_total')).toBe(ct.length);
  });

  it('shows each centre’s queue depth by state and priority, as the database has it', async () => {
    const series = `hub_queue_depth{centre="${a.centreIds.ecg}",state="queued",priority="urgent"}`;
    expect(sample(await scrape(), series)).toBe(0);
    for (const localId of ['M-1', 'M-2']) {
      const studyId = await uploadEcgStudy(t, a.tokens.clinic_doctor, localId);
      await request(t.http)
        .post('/api/requests')
        .auth(a.tokens.clinic_doctor, { type: 'bearer' })
        .send({ studyId, priority: 'urgent', examCode: 'ECG12' })
        .expect(201);
    }
    expect(sample(await scrape(), series)).toBe(2);
    await request(t.http).post(`/api/centres/${a.centreIds.ecg}/claim`).auth(a.tokens.reader, { type: 'bearer' });
    expect(sample(await scrape(), series)).toBe(1);
  });

  it('counts this replica’s socket.io connections per namespace', async () => {
    const series = 'hub_socket_connections{namespace="/events"}';
    const before = sample(await scrape(), series);
    const listener = await listenToEvents(t, a.tokens.reader);
    try {
      expect(sample(await scrape(), series)).toBe(before + 1);
    } finally {
      listener.close();
    }
  });
});

describe('operations: /metrics without a configured token', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is off, and says how to turn it on', async () => {
    const res = await request(t.http).get('/metrics').auth('anything-at-all-0123456', { type: 'bearer' }).expect(404);
    expect(res.body.message).toMatch(/set HUB_METRICS_TOKEN/);
  });
});
