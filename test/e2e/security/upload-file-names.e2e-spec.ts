import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { Upload } from 'tus-js-client';
import { metadataFor, PDF } from '../../fixtures/uploads.js';
import { storedCounts } from '../../support/dicomweb.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

/** A mark in every hostile name, to look for files carrying it wherever they might have landed. */
const MARK = `hostile${randomBytes(4).toString('hex')}`;
/** File names that try to leave the store's root, or to break what shows them. */
const HOSTILE_NAMES: [string, string][] = [
  ['a relative path up', `../../../../${MARK}-passwd`],
  ['a Windows relative path up', `..\\..\\..\\${MARK}-win.ini`],
  ['an absolute path', `/tmp/${MARK}-absolute`],
  ['a Windows absolute path', `C:\\Windows\\${MARK}-cmd.exe`],
  ['a name with slashes', `dir/sub/${MARK}-ecg.pdf`],
  ['a very long name', `${MARK}-${'长'.repeat(3000)}.pdf`],
  ['only dots', '..'],
  ['a CR LF header injection', `${MARK}.pdf\r\nX-Injected: 1`],
  ['a percent-encoded path up', `..%2F..%2F${MARK}-encoded`],
];

/** Files the hub keeps in DATA_DIR: content-addressed objects, tus uploads with their info files, its own secrets. */
const STORE_FILE =
  /^(objects\/sha256\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}|uploads\/[0-9a-f]{32}(\.json)?|secrets\/[\w-]+)$/;

/** What a shown name must be: one segment, no control characters, not a dot path, at most 255 characters. */
function expectSafeName(name: string): void {
  expect(name).not.toMatch(/[/\\\u0000-\u001f\u007f]/);
  expect(['', '.', '..']).not.toContain(name);
  expect(name.length).toBeLessThanOrEqual(255);
}

/** Every file under `dir`, as paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

/**
 * A raw multipart/form-data body, so the part's file name goes out exactly as given (as `filename*` too, which
 * decoders percent-decode), with the study's metadata first.
 */
function multipartForm(metadata: object, fileName: string, body: Buffer, boundary: string, extended = false): Buffer {
  const header = (disposition: string, type: string) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; ${disposition}\r\nContent-Type: ${type}\r\n\r\n`);
  const quoted = fileName.replace(/["\r\n]/g, (c) => encodeURIComponent(c));
  return Buffer.concat([
    header('name="metadata"', 'application/json'),
    Buffer.from(JSON.stringify(metadata)),
    Buffer.from('\r\n'),
    header(
      extended
        ? `name="files"; filename*=UTF-8''${encodeURIComponent(fileName)}`
        : `name="files"; filename="${quoted}"`,
      'application/pdf',
    ),
    body,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

describe('upload file names cannot leave the store, and are shown back safe', () => {
  let t: TestApp;
  let a: Tenant;
  let endpoint: string;

  const expectOnlyStoreFiles = async () => {
    for (const file of await filesUnder(t.dataDir)) {
      expect(file).toMatch(STORE_FILE);
    }
  };
  /** No file carrying the mark next to, above or inside DATA_DIR, nor under the temp folder, nor in the worktree. */
  const expectNoMarkedFileAnywhere = async () => {
    for (const dir of [os.tmpdir(), process.cwd(), path.dirname(t.dataDir)]) {
      const entries = await readdir(dir).catch(() => [] as string[]);
      expect(entries.filter((e) => e.includes(MARK))).toEqual([]);
    }
    expect((await filesUnder(t.dataDir)).filter((f) => f.includes(MARK))).toEqual([]);
    expect(existsSync(`/${MARK}-passwd`)).toBe(false);
  };
  const shownNames = async (studyId: string): Promise<string[]> => {
    const res = await request(t.http)
      .get(`/api/studies/${studyId}`)
      .auth(a.tokens.clinic_technician, { type: 'bearer' })
      .expect(200);
    return (res.body.files as { fileName: string }[]).map((f) => f.fileName);
  };

  beforeAll(async () => {
    t = await startTestApp();
    a = await createTenant(t);
    endpoint = `http://127.0.0.1:${(t.http.address() as { port: number }).port}/api/uploads`;
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each(HOSTILE_NAMES)('files a multipart upload named as %s under a safe name', async (_what, name) => {
    const boundary = `b${randomBytes(8).toString('hex')}`;
    const meta = metadataFor('ecg', { localId: `NAME-${randomBytes(3).toString('hex')}` });
    const res = await request(t.http)
      .post('/api/studies')
      .auth(a.tokens.clinic_technician, { type: 'bearer' })
      .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
      .send(multipartForm(meta, name, PDF, boundary));
    expect([res.status, res.body.message]).toEqual([201, undefined]);
    const [shown] = await shownNames(res.body.id as string);
    expectSafeName(shown!);
    if (name.includes(MARK) && !name.includes('%2F')) expect(shown).toContain(MARK); // the last segment is kept

    const file = await request(t.http)
      .get(`/api/studies/${res.body.id}`)
      .auth(a.tokens.clinic_technician, { type: 'bearer' })
      .then((r) => (r.body.files as { id: string }[])[0]!.id);
    const download = await request(t.http)
      .get(`/api/studies/${res.body.id}/files/${file}`)
      .auth(a.tokens.clinic_technician, { type: 'bearer' })
      .expect(200);
    expect(download.headers['x-injected']).toBeUndefined();
    expect(download.headers['content-disposition']).not.toMatch(/[\r\n]/);
    await expectOnlyStoreFiles();
    await expectNoMarkedFileAnywhere();
  });

  it('refuses a raw NUL in a part header (400, nothing kept), and strips one sent percent-encoded', async () => {
    const before = await storedCounts(t);
    const name = `${MARK}-report.pdf\u0000.exe`;
    const meta = metadataFor('ecg', { localId: 'NAME-NUL' });
    const raw = await request(t.http)
      .post('/api/studies')
      .auth(a.tokens.clinic_technician, { type: 'bearer' })
      .set('Content-Type', 'multipart/form-data; boundary=nul-boundary')
      .send(multipartForm(meta, name, PDF, 'nul-boundary'))
      .expect(400);
    expect(raw.body.message).toMatch(/multipart\/form-data/);
    expect(await storedCounts(t)).toEqual(before);

    const encoded = await request(t.http)
      .post('/api/studies')
      .auth(a.tokens.clinic_technician, { type: 'bearer' })
      .set('Content-Type', 'multipart/form-data; boundary=nul-boundary')
      .send(multipartForm(meta, `../../${name}`, PDF, 'nul-boundary', true))
      .expect(201);
    expect(await shownNames(encoded.body.id as string)).toEqual([`${MARK}-report.pdf.exe`]);
    await expectNoMarkedFileAnywhere();
  });

  it('gives the last segment of a path as the name (no directory of the sender is kept)', async () => {
    const boundary = 'plain-boundary';
    const res = await request(t.http)
      .post('/api/studies')
      .auth(a.tokens.clinic_technician, { type: 'bearer' })
      .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
      .send(multipartForm(metadataFor('ecg', { localId: 'NAME-PLAIN' }), '..\\..\\ecg\\心电图.pdf', PDF, boundary))
      .expect(201);
    expect(await shownNames(res.body.id as string)).toEqual(['心电图.pdf']);
  });

  /** A tus upload of `body` with this Upload-Metadata file name; resolves with its id. */
  const tusUpload = (fileName: string, body: Buffer): Promise<string> =>
    new Promise((resolve, reject) => {
      const upload: Upload = new Upload(body, {
        endpoint,
        retryDelays: [],
        headers: { Authorization: `Bearer ${a.tokens.clinic_technician}` },
        metadata: { filename: fileName },
        onSuccess: () => resolve(upload.url!.split('/').pop()!),
        onError: reject,
      });
      upload.start();
    });

  it('files resumable uploads whose metadata file names are hostile under safe names', async () => {
    const slide = Buffer.concat([Buffer.from([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]), randomBytes(4096)]);
    const ids: string[] = [];
    for (const [, name] of HOSTILE_NAMES) ids.push(await tusUpload(name, slide));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    await expectOnlyStoreFiles();
    const res = await request(t.http)
      .post('/api/studies')
      .auth(a.tokens.clinic_technician, { type: 'bearer' })
      .send(metadataFor('pathology', { localId: 'NAME-TUS' }, { resumableUploads: ids }))
      .expect(201);
    const shown = await shownNames(res.body.id as string);
    expect(shown).toHaveLength(ids.length);
    for (const name of shown) expectSafeName(name);
    await expectOnlyStoreFiles();
    await expectNoMarkedFileAnywhere();
  });

  it('answers tus requests whose upload id is a path with 404, touching nothing', async () => {
    for (const id of ['..%2F..%2Fetc%2Fpasswd', '..%5C..%5Cwin.ini', '%2Fetc%2Fpasswd', `${'0'.repeat(32)}%00`, '.']) {
      for (const method of ['head', 'patch', 'delete'] as const) {
        const res = await request(t.http)
          [method](`/api/uploads/${id}`)
          .set('Tus-Resumable', '1.0.0')
          .set('Upload-Offset', '0')
          .set('Content-Type', 'application/offset+octet-stream')
          .auth(a.tokens.clinic_technician, { type: 'bearer' })
          .send(method === 'patch' ? Buffer.from('x') : undefined);
        // 400 for the NUL (refused before any handler), 404 for the rest: no upload has such an id.
        expect([`${method} ${id}`, res.status]).toEqual([`${method} ${id}`, id.includes('%00') ? 400 : 404]);
      }
    }
    await expectOnlyStoreFiles();
  });
});
