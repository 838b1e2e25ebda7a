import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { OBJECT_STORE, type ObjectStore, S3ObjectStore } from '@hub/storage';
import { OrphanObjectSweeper } from '@hub/studies';
import { ctSeriesFromFixture } from '../../support/ct-series.js';
import { multipartRelated, storedCounts, stowContentType } from '../../support/dicomweb.js';
import { buildHub, type HubBuild, type HubProcess, startHubProcess } from '../../support/hub-process.js';
import { recordFigure } from '../../support/reliability.js';
import { s3EnvOf, type S3TestServer, startS3TestServer } from '../../support/s3-test-server.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { replicaEnvOf, startTestApp, type TestApp } from '../../support/test-app.js';

/** The upload: REQUESTS concurrent STOW-RS requests of PER_REQUEST CT slices each, all of one study and series. */
const REQUESTS = 4;
const PER_REQUEST = 10;
const INSTANCES = REQUESTS * PER_REQUEST;
/** Replica A is killed the moment the object store is asked to file (copy into place) the object after this many. */
const KILL_AFTER_FILED_OBJECTS = INSTANCES / 2;

type DicomJson = Record<string, { Value?: unknown[] }>;
const valueOf = (ds: DicomJson, tag: string) => ds[tag]?.Value?.[0];
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function sha256Of(body: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of body) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Two compiled hub replicas (their own processes) on one database and one S3 object store (the s3rver test server, so
 * both see the same objects). Replica A is SIGKILLed in the middle of a multi-instance STOW-RS upload; replica B must
 * show nothing partial, take the whole upload again, and the orphan sweeper must clear what A left in the store.
 * This process runs a third, in-process hub on the same database and store: it makes the tenant and runs the sweep.
 */
describe('fault: a hub replica is killed (SIGKILL) in the middle of a multi-instance STOW-RS upload', () => {
  let build: HubBuild;
  let s3: S3TestServer;
  let t: TestApp;
  let a: HubProcess;
  let b: HubProcess;
  let tenant: Tenant;
  let files: Buffer[];
  let s3Env: Record<string, string>;

  const startReplica = () => startHubProcess(build.entry, replicaEnvOf(t, s3Env));

  beforeAll(async () => {
    [build, s3, { files }] = await Promise.all([buildHub(), startS3TestServer(), ctSeriesFromFixture(INSTANCES)]);
    s3Env = s3EnvOf(s3);
    t = await startTestApp(s3Env);
    tenant = await createTenant(t);
    [a, b] = await Promise.all([startReplica(), startReplica()]);
  }, 240_000);
  afterAll(async () => {
    await a?.kill();
    await b?.stop();
    await t?.close();
    await s3?.stop();
    await build?.remove();
  });

  const bodies = () =>
    Array.from({ length: REQUESTS }, (_, r) =>
      multipartRelated(
        files.slice(r * PER_REQUEST, (r + 1) * PER_REQUEST).map((body) => ({ body })),
        `kill-${r}`,
      ),
    );
  const stow = (target: TestApp | string, body: Buffer, r: number) =>
    request(typeof target === 'string' ? target : target.http)
      .post('/dicomweb/studies')
      .set('Content-Type', stowContentType(`kill-${r}`))
      .auth(tenant.tokens.clinic_technician, { type: 'bearer' })
      .send(body);

  /**
   * "Partial" here: a study (or series) visible with an instance whose object is missing from the store or whose
   * bytes are not the ones its row records, or a study or series row with no instance (an empty shell). STOW-RS files
   * each instance on its own (PS3.18 allows a 202 with some stored), so a study holding some of the slices sent is not
   * partial: each of them is whole, and the client's retry completes the study. The check: every instance row's
   * object is in the store and hashes to the row's sha256 (and is one of the slices sent, byte for byte); no empty
   * series or study; and QIDO on replica B shows exactly the committed instances, with the study's instance count.
   */
  async function expectNothingPartial(store: ObjectStore): Promise<{ instances: number; keys: Set<string> }> {
    const sent = new Set(files.map(sha256));
    const rows = await t.sql<{ sop_instance_uid: string; object_key: string; sha256: string; size: number }>(
      'SELECT sop_instance_uid, object_key, sha256, size::int FROM instances',
    );
    for (const row of rows) {
      expect(sent.has(row.sha256)).toBe(true);
      expect(await store.stat(row.object_key)).toMatchObject({ size: row.size });
      expect(await sha256Of(await store.get(row.object_key))).toBe(row.sha256);
    }
    const shells = await t.sql(
      `SELECT id FROM series s WHERE NOT EXISTS (SELECT 1 FROM instances i WHERE i.series_id = s.id)
       UNION ALL SELECT id FROM studies s WHERE NOT EXISTS (SELECT 1 FROM series x WHERE x.study_id = s.id)`,
    );
    expect(shells).toEqual([]);

    const auth = { type: 'bearer' } as const;
    const studies = await request(b.url).get('/dicomweb/studies').auth(tenant.tokens.clinic_doctor, auth);
    expect([200, 204]).toContain(studies.status);
    const visible = (studies.status === 200 ? studies.body : []) as DicomJson[];
    expect(visible.length).toBe(rows.length > 0 ? 1 : 0);
    const visibleSops: string[] = [];
    for (const study of visible) {
      const uid = valueOf(study, '0020000D') as string;
      const instances = await request(b.url)
        .get(`/dicomweb/studies/${uid}/instances`)
        .query({ limit: 1000 })
        .auth(tenant.tokens.clinic_doctor, auth)
        .expect(200);
      expect(Number(valueOf(study, '00201208'))).toBe(instances.body.length);
      visibleSops.push(...(instances.body as DicomJson[]).map((i) => valueOf(i, '00080018') as string));
    }
    expect(visibleSops.sort()).toEqual(rows.map((r) => r.sop_instance_uid).sort());
    return { instances: rows.length, keys: new Set(rows.map((r) => r.object_key)) };
  }

  /** The filed objects (content addresses) and the number of temporary uploads in the bucket. */
  async function storeContents(store: S3ObjectStore): Promise<{ objects: Set<string>; temporary: number }> {
    const objects = new Set<string>();
    for await (const key of store.listKeys()) objects.add(key);
    let temporary = 0;
    for await (const upload of store.listTempKeys()) if (upload) temporary++;
    return { objects, temporary };
  }

  it('leaves nothing partial; the retry on the other replica stores all; the sweeper clears the orphans', async () => {
    const store = t.app.get<ObjectStore>(OBJECT_STORE);
    if (!(store instanceof S3ObjectStore)) throw new Error('the hubs of this test must share the S3 store');

    // Kill A at the moment it asks the store to copy an uploaded object into place: that object (and its temporary
    // upload) is then in the store with no row, what a crash between "stored" and "filed" leaves.
    let filed = 0;
    s3.onRequest((req: IncomingMessage) => {
      const copy = req.method === 'PUT' && req.headers['x-amz-copy-source'] !== undefined;
      if (copy && req.url?.includes('/sha256/') && ++filed === KILL_AFTER_FILED_OBJECTS + 1) a.child.kill('SIGKILL');
    });
    const upload = await Promise.allSettled(bodies().map((body, r) => stow(a.url, body, r)));
    await a.kill();
    expect(filed).toBeGreaterThan(KILL_AFTER_FILED_OBJECTS);
    // A died before it could answer every request (an upload it finished before dying answered 200).
    expect(upload.filter((u) => u.status === 'rejected').length).toBeGreaterThan(0);

    const afterKill = await expectNothingPartial(store);
    expect(afterKill.instances).toBeGreaterThan(0);
    expect(afterKill.instances).toBeLessThan(INSTANCES);
    const left = await storeContents(store);
    const orphans = [...left.objects].filter((key) => !afterKill.keys.has(key));
    expect(orphans.length + left.temporary).toBeGreaterThan(0);

    // The sweep, run in-process (the timer's interval is whole minutes) with a grace period of 0: nothing else is in
    // flight, so every object without a row goes.
    const sweeper = t.app.get(OrphanObjectSweeper);
    const sweepStarted = performance.now();
    const swept = await sweeper.sweep(0);
    const sweepSeconds = (performance.now() - sweepStarted) / 1000;
    expect(swept).toMatchObject({ removed: orphans.length, staleUploads: left.temporary });
    const cleaned = await storeContents(store);
    expect(cleaned).toEqual({ objects: afterKill.keys, temporary: 0 });
    await expectNothingPartial(store);

    // The client sends the whole upload again, to B: every slice is stored (the ones A filed count as stored).
    const retry = await Promise.all(bodies().map((body, r) => stow(b.url, body, r)));
    for (const res of retry) {
      expect(res.status).toBe(200);
      expect(res.body['00081199'].Value).toHaveLength(PER_REQUEST);
      expect(res.body['00081198']).toBeUndefined();
    }
    const afterRetry = await expectNothingPartial(store);
    expect(afterRetry.instances).toBe(INSTANCES);
    expect((await storeContents(store)).objects).toEqual(afterRetry.keys);

    // The same counts as the same upload to a hub nobody killed.
    const clean = await startTestApp();
    try {
      const cleanTenant = await createTenant(clean);
      const cleanResponses = await Promise.all(
        bodies().map((body, r) =>
          request(clean.http)
            .post('/dicomweb/studies')
            .set('Content-Type', stowContentType(`kill-${r}`))
            .auth(cleanTenant.tokens.clinic_technician, { type: 'bearer' })
            .send(body),
        ),
      );
      const summary = (res: request.Response) => ({
        status: res.status,
        stored: res.body['00081199']?.Value?.length ?? 0,
        failed: res.body['00081198']?.Value?.length ?? 0,
      });
      expect(retry.map(summary)).toEqual(cleanResponses.map(summary));
      const counts = ({ patients, studies, series, instances }: Awaited<ReturnType<typeof storedCounts>>) => ({
        patients,
        studies,
        series,
        instances,
      });
      expect(counts(await storedCounts(t))).toEqual(counts(await storedCounts(clean)));
    } finally {
      await clean.close();
    }

    await recordFigure(
      `killed after ${afterKill.instances} of ${INSTANCES} instances filed (${REQUESTS} concurrent STOW requests); ` +
        `0 partial; retry ${afterRetry.instances}/${INSTANCES} stored; ${swept.removed} orphan objects and ` +
        `${swept.staleUploads} temporary uploads removed by the sweeper in ${sweepSeconds.toFixed(2)} s ` +
        `(one pass run in-process, grace 0)`,
    );
  }, 90_000);
});
