import { randomUUID } from 'node:crypto';
import { readFile, utimes, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { OBJECT_STORE, type ObjectStore } from '@hub/storage';
import { OrphanObjectSweeper } from '@hub/studies';
import { dicomFixture } from '../../fixtures/dicom-fixtures.js';
import { multipartRelated, storedCounts, stowContentType } from '../../support/dicomweb.js';
import { metadataFor, PDF } from '../../fixtures/uploads.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

describe('orphan object clean-up', () => {
  let t: TestApp;
  let a: Tenant;
  beforeAll(async () => {
    t = await startTestApp({ ORPHAN_SWEEP_INTERVAL_MINUTES: '0' });
    a = await createTenant(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('removes objects no row points to once past the grace period, and stale temporary uploads, keeping filed ones', async () => {
    const ct = dicomFixture('ct-small.dcm');
    await request(t.http)
      .post('/dicomweb/studies')
      .set('Content-Type', stowContentType('b'))
      .auth(a.tokens.clinic_technician, { type: 'bearer' })
      .send(multipartRelated([{ body: await readFile(ct.path) }], 'b'))
      .expect(200);
    // An uploaded ECG: its object is referenced by a study_files row, not by an instance.
    await request(t.http)
      .post('/api/studies')
      .auth(a.tokens.clinic_technician, { type: 'bearer' })
      .field('metadata', JSON.stringify(metadataFor('ecg', { localId: 'SWEEP-1' })))
      .attach('files', PDF, 'ecg.pdf')
      .expect(201);
    // What a crash between "stored" and "filed" would leave: an object with no row, and a half-written upload.
    const store = t.app.get<ObjectStore>(OBJECT_STORE);
    await store.put(Readable.from([Buffer.from(`orphan ${randomUUID()}`)]));
    const tempDir = path.join(t.dataDir, 'objects', 'tmp');
    await mkdir(tempDir, { recursive: true });
    const temp = path.join(tempDir, `${randomUUID()}.part`);
    await writeFile(temp, 'half an upload');
    const anHourAgo = new Date(Date.now() - 61 * 60_000);
    await utimes(temp, anHourAgo, anHourAgo);
    expect((await storedCounts(t)).objects).toBe(3);

    const sweeper = t.app.get(OrphanObjectSweeper);
    expect(await sweeper.sweep(60)).toEqual({ examined: 3, removed: 0, staleUploads: 1, expiredResumableUploads: 0 });
    expect((await storedCounts(t)).objects).toBe(3);

    expect(await sweeper.sweep(0)).toEqual({ examined: 3, removed: 1, staleUploads: 0, expiredResumableUploads: 0 });
    expect(await storedCounts(t)).toMatchObject({ instances: 1, studyFiles: 1, objects: 2, tempFiles: 0 });
    await request(t.http)
      .get(`/dicomweb/studies/${ct.studyInstanceUid}/series/${ct.seriesInstanceUid}/instances/${ct.sopInstanceUid}`)
      .auth(a.tokens.clinic_doctor, { type: 'bearer' })
      .expect(200);
  });
});
