import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { Upload } from 'tus-js-client';
import { metadataFor, WINDOWS_EXE } from '../../fixtures/uploads.js';
import { storedCounts } from '../../support/dicomweb.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

const MiB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** A BigTIFF header (as whole-slide scanners write) followed by random "tiles". */
const slide = (size: number) =>
  Buffer.concat([Buffer.from([0x49, 0x49, 0x2b, 0x00, 8, 0, 0, 0]), randomBytes(size - 8)]);

describe('resumable uploads (tus) for large slides', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let endpoint: string;

  beforeAll(async () => {
    t = await startTestApp({ RESUMABLE_UPLOAD_MAX_BYTES: String(8 * MiB) });
    [a, b] = [await createTenant(t), await createTenant(t)];
    const address = t.http.address() as { port: number };
    endpoint = `http://127.0.0.1:${address.port}/api/uploads`;
  });
  afterAll(async () => {
    await t.close();
  });

  /** Sends `body` with the tus client; stops (like a dropped connection) once `stopAfter` bytes were accepted. */
  const send = (
    token: string,
    body: Buffer,
    options: { uploadUrl?: string; stopAfter?: number; filename?: string } = {},
  ): Promise<{ url: string; complete: boolean }> =>
    new Promise((resolve, reject) => {
      const upload: Upload = new Upload(body, {
        endpoint,
        uploadUrl: options.uploadUrl,
        chunkSize: MiB,
        retryDelays: [],
        headers: { Authorization: `Bearer ${token}` },
        metadata: { filename: options.filename ?? 'slide.svs' },
        onChunkComplete: (_chunk, accepted) => {
          if (options.stopAfter !== undefined && accepted >= options.stopAfter) {
            void upload.abort().then(() => resolve({ url: upload.url!, complete: false }));
          }
        },
        onSuccess: () => resolve({ url: upload.url!, complete: true }),
        onError: reject,
      });
      upload.start();
    });

  const idOf = (url: string) => url.split('/').pop()!;
  const head = (token: string, id: string) =>
    request(t.http).head(`/api/uploads/${id}`).set('Tus-Resumable', '1.0.0').auth(token, { type: 'bearer' });
  const attach = (token: string, ids: string[], localId = 'PATH-1') =>
    request(t.http)
      .post('/api/studies')
      .auth(token, { type: 'bearer' })
      .send(metadataFor('pathology', { localId }, { resumableUploads: ids }));

  it('resumes an interrupted upload where it stopped, then files it as a study byte for byte', async () => {
    const body = slide(6 * MiB);
    const first = await send(a.tokens.clinic_technician, body, { stopAfter: 2 * MiB, filename: '切片-001.svs' });
    expect(first.complete).toBe(false);
    const id = idOf(first.url);
    const offset = Number((await head(a.tokens.clinic_technician, id).expect(200)).headers['upload-offset']);
    expect(offset).toBeGreaterThanOrEqual(2 * MiB);
    expect(offset).toBeLessThan(body.length);

    // Not complete: cannot be filed yet, and the attempt keeps nothing.
    const before = await storedCounts(t);
    const early = await attach(a.tokens.clinic_technician, [id]).expect(409);
    expect(early.body.message).toMatch(/not complete.*resume/);
    expect(await storedCounts(t)).toEqual(before);

    const resumed = await send(a.tokens.clinic_technician, body, { uploadUrl: first.url });
    expect(resumed).toEqual({ url: first.url, complete: true });

    const study = await attach(a.tokens.clinic_doctor, [id]).expect(201);
    expect(study.body.files).toEqual([
      expect.objectContaining({
        fileName: '切片-001.svs',
        format: 'tiff',
        mediaType: 'image/tiff',
        size: body.length,
        sha256: sha256(body),
      }),
    ]);
    const download = await request(t.http)
      .get(`/api/studies/${study.body.id}/files/${study.body.files[0].id}`)
      .auth(a.tokens.clinic_doctor, { type: 'bearer' })
      .buffer(true)
      .parse((r, done) => {
        const hash = createHash('sha256');
        r.on('data', (c: Buffer) => hash.update(c));
        r.on('end', () => done(null, hash.digest('hex')));
      })
      .expect(200);
    expect(download.body).toBe(sha256(body));

    // The upload is consumed: its bytes live in the object store now, and it cannot be filed twice.
    await head(a.tokens.clinic_technician, id).expect(404);
    await attach(a.tokens.clinic_technician, [id]).expect(404);
  });

  it('lets only the institution that started an upload see, append to, abandon or file it', async () => {
    const { url } = await send(a.tokens.clinic_technician, slide(2 * MiB), { stopAfter: MiB });
    const id = idOf(url);
    await head(b.tokens.clinic_technician, id).expect(403);
    await request(t.http)
      .patch(`/api/uploads/${id}`)
      .set({
        'Tus-Resumable': '1.0.0',
        'Upload-Offset': String(MiB),
        'Content-Type': 'application/offset+octet-stream',
      })
      .auth(b.tokens.clinic_technician, { type: 'bearer' })
      .send(Buffer.alloc(10))
      .expect(403);
    await request(t.http)
      .delete(`/api/uploads/${id}`)
      .set('Tus-Resumable', '1.0.0')
      .auth(b.tokens.clinic_technician, { type: 'bearer' })
      .expect(403);
    await attach(b.tokens.clinic_technician, [id]).expect(403);
    // Its own institution can abandon it.
    await request(t.http)
      .delete(`/api/uploads/${id}`)
      .set('Tus-Resumable', '1.0.0')
      .auth(a.tokens.clinic_doctor, { type: 'bearer' })
      .expect(204);
    await head(a.tokens.clinic_technician, id).expect(404);
  });

  it('refuses uploads over RESUMABLE_UPLOAD_MAX_BYTES, from the wrong role or without a token, and odd ids', async () => {
    const create = (token: string | null, length: number) => {
      const req = request(t.http)
        .post('/api/uploads')
        .set({ 'Tus-Resumable': '1.0.0', 'Upload-Length': String(length) });
      return token ? req.auth(token, { type: 'bearer' }) : req;
    };
    await create(a.tokens.clinic_technician, 9 * MiB).expect(413);
    await create(a.tokens.reader, MiB).expect(403);
    await create(a.tokens.coordinator, MiB).expect(403);
    await create(null, MiB).expect(401);
    await head(a.tokens.clinic_technician, '..%2F..%2Fsecrets').expect(404);
    await head(a.tokens.clinic_technician, 'f'.repeat(32)).expect(404);
  });

  it('refuses a completed upload whose bytes are not a slide format, keeping the upload for the client to delete', async () => {
    const { url } = await send(a.tokens.clinic_technician, Buffer.concat([WINDOWS_EXE, randomBytes(1000)]));
    const before = await storedCounts(t);
    const res = await attach(a.tokens.clinic_technician, [idOf(url)]).expect(415);
    expect(res.body.message).toMatch(/executable; pathology studies accept tiff/);
    expect(await storedCounts(t)).toEqual(before);
    await head(a.tokens.clinic_technician, idOf(url)).expect(200);
  });
});
