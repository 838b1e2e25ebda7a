import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { dicomFixture, TRUNCATED_FIXTURE } from '../../fixtures/dicom-fixtures.js';
import { encodeElements, minimalDataset, UIDS, writePart10 } from '../../fixtures/dicom-writer.js';
import { multipartRelated, storedCounts, stowContentType } from '../../support/dicomweb.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

type Item = Record<string, { Value: unknown[] }>;
const BOUNDARY = 'hub-test-boundary';
const withPatientId = (uid = UIDS.sopInstance) =>
  writePart10(
    minimalDataset({ extra: [{ tag: 0x00100020, vr: 'LO', value: 'CRAFT-1' }], override: { 0x00080018: uid } }),
  );

describe('STOW-RS refuses bad input clearly and leaves nothing behind', () => {
  let t: TestApp;
  let a: Tenant;
  const MAX_INSTANCE = 600_000;
  const MAX_REQUEST = 2_000_000;

  const stow = (body: Buffer, contentType = stowContentType(BOUNDARY), token?: string, path = '/dicomweb/studies') =>
    request(t.http)
      .post(path)
      .set('Content-Type', contentType)
      .auth(token ?? a.tokens.clinic_technician, { type: 'bearer' })
      .send(body);
  const failures = (body: Record<string, { Value?: Item[] }>) =>
    (body['00081198']?.Value ?? []).map((f) => ({
      reason: f['00081197']!.Value[0],
      comment: String(f['00000902']?.Value[0]),
    }));

  beforeAll(async () => {
    t = await startTestApp({
      STOW_MAX_INSTANCE_BYTES: String(MAX_INSTANCE),
      STOW_MAX_REQUEST_BYTES: String(MAX_REQUEST),
    });
    a = await createTenant(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const badFiles: [string, () => Promise<Buffer>, number, RegExp][] = [
    ['random bytes', async () => randomBytes(4096), 0xc000, /DICM|DICOM/i],
    ['a 0-byte part', async () => Buffer.alloc(0), 0xc000, /./],
    [
      'a file without the DICM prefix',
      async () => (await readFile(dicomFixture('ct-small.dcm').path)).subarray(132),
      0xc000,
      /DICM/,
    ],
    ['a truncated file', async () => (await readFile(dicomFixture('ct-small.dcm').path)).subarray(0, 700), 0xc000, /./],
    ['a real truncated file (pydicom MR_truncated)', async () => readFile(TRUNCATED_FIXTURE.path), 0xc000, /./],
    [
      'an executable in the preamble',
      async () => {
        const preamble = Buffer.alloc(128);
        preamble.write('MZ\x90\x00', 'latin1');
        return writePart10(minimalDataset({ extra: [{ tag: 0x00100020, vr: 'LO', value: 'P1' }] }), { preamble });
      },
      0xc000,
      /preamble|executable/i,
    ],
    [
      'a declared element length past the end of the data',
      async () => writePart10([...minimalDataset(), { tag: 0x00100020, vr: 'LO', value: 'P1', declaredLength: 5000 }]),
      0xc000,
      /./,
    ],
    [
      'a huge declared length',
      async () =>
        writePart10([
          ...minimalDataset(),
          { tag: 0x00191010, vr: 'OB', value: Buffer.alloc(4), declaredLength: 0xfffffff0 },
        ]),
      0xc000,
      /./,
    ],
    [
      'deeply nested sequences',
      async () => {
        let items: Parameters<typeof encodeElements>[0] = [{ tag: 0x00100020, vr: 'LO', value: 'deep' }];
        for (let i = 0; i < 100; i++) items = [{ tag: 0x00081115, vr: 'SQ', items: [items] }];
        return writePart10(
          [...minimalDataset({ extra: [{ tag: 0x00100020, vr: 'LO', value: 'P1' }] }), ...items].sort(
            (x, y) => x.tag - y.tag,
          ),
        );
      },
      0xc000,
      /nest|depth|deep/i,
    ],
    [
      'a missing SOPInstanceUID',
      async () => writePart10(minimalDataset({ omit: [0x00080018] })),
      0xa900,
      /SOP ?Instance ?UID/i,
    ],
    [
      'a missing StudyInstanceUID',
      async () => writePart10(minimalDataset({ omit: [0x0020000d] })),
      0xa900,
      /Study ?Instance ?UID/i,
    ],
    [
      'a malformed UID',
      async () => writePart10(minimalDataset({ override: { 0x0020000d: '1.2.abc' } })),
      0xa900,
      /UID/i,
    ],
  ];

  it.each(badFiles)(
    'gives %s a per-instance failure reason, and keeps nothing',
    async (_name, make, reason, comment) => {
      const before = await storedCounts(t);
      const res = await stow(multipartRelated([{ body: await make() }], BOUNDARY)).expect(409);
      expect(res.headers['content-type']).toMatch(/application\/dicom\+json/);
      const [failure] = failures(res.body);
      expect(failure!.reason).toBe(reason);
      expect(failure!.comment).toMatch(comment);
      expect(await storedCounts(t)).toEqual(before);
    },
  );

  it('answers 202 when some instances are stored and others fail, listing both', async () => {
    const before = await storedCounts(t);
    const res = await stow(
      multipartRelated(
        [{ body: await readFile(dicomFixture('cr-small.dcm').path) }, { body: randomBytes(300) }],
        BOUNDARY,
      ),
    ).expect(202);
    expect(res.body['00081199'].Value).toHaveLength(1);
    expect(failures(res.body)).toHaveLength(1);
    const after = await storedCounts(t);
    expect(after.instances).toBe(before.instances + 1);
    expect(after.objects).toBe(before.objects + 1);
  });

  it('refuses different bytes under a stored SOP Instance UID (0x0111), keeping the first', async () => {
    await stow(multipartRelated([{ body: withPatientId() }], BOUNDARY)).expect(200);
    const before = await storedCounts(t);
    const changed = writePart10(
      minimalDataset({
        extra: [
          { tag: 0x00100020, vr: 'LO', value: 'CRAFT-1' },
          { tag: 0x00081030, vr: 'LO', value: 'changed' },
        ],
      }),
    );
    const res = await stow(multipartRelated([{ body: changed }], BOUNDARY)).expect(409);
    expect(failures(res.body)).toEqual([{ reason: 0x0111, comment: expect.stringMatching(/different content/) }]);
    expect(await storedCounts(t)).toEqual(before);
  });

  it('fails instances of another study than the URL names (0xA900)', async () => {
    const before = await storedCounts(t);
    const res = await stow(
      multipartRelated([{ body: withPatientId('1.2.826.0.1.3680043.2.1125.9.9') }], BOUNDARY),
      undefined,
      undefined,
      '/dicomweb/studies/1.2.3.4.5',
    ).expect(409);
    expect(failures(res.body)[0]).toMatchObject({ reason: 0xa900, comment: expect.stringMatching(/1\.2\.3\.4\.5/) });
    expect(await storedCounts(t)).toEqual(before);
    await stow(
      multipartRelated([{ body: withPatientId() }], BOUNDARY),
      undefined,
      undefined,
      '/dicomweb/studies/not-a-uid',
    ).expect(400);
  });

  it('fails an instance over STOW_MAX_INSTANCE_BYTES (0xA700) and still reads the parts after it', async () => {
    const before = await storedCounts(t);
    const big = Buffer.concat([withPatientId('1.2.826.0.1.3680043.2.1125.7.1'), Buffer.alloc(MAX_INSTANCE)]);
    const res = await stow(
      multipartRelated([{ body: big }, { body: await readFile(dicomFixture('mr-small.dcm').path) }], BOUNDARY),
    ).expect(202);
    expect(failures(res.body)).toEqual([{ reason: 0xa700, comment: expect.stringMatching(/STOW_MAX_INSTANCE_BYTES/) }]);
    expect((await storedCounts(t)).instances).toBe(before.instances + 1);
    expect((await storedCounts(t)).tempFiles).toBe(0);
  });

  it('reads a header longer than the head kept while streaming again from the store, and files the instance', async () => {
    const before = await storedCounts(t);
    const longHeader = writePart10(
      minimalDataset({
        extra: [
          { tag: 0x00100020, vr: 'LO', value: 'CRAFT-1' },
          // 200 KB of private data before the study and series UIDs: the header ends far past the first 64 KiB.
          { tag: 0x00191010, vr: 'OB', value: Buffer.alloc(200_000, 7) },
        ],
        override: { 0x00080018: '1.2.826.0.1.3680043.2.1125.7.2' },
      }),
    );
    const res = await stow(multipartRelated([{ body: longHeader }], BOUNDARY)).expect(200);
    const [stored] = res.body['00081199'].Value as Record<string, { Value: string[] }>[];
    expect(stored!['00081190']!.Value[0]).toContain(`/studies/${UIDS.study}/series/${UIDS.series}/instances/`);
    expect((await storedCounts(t)).instances).toBe(before.instances + 1);
  });

  it('refuses a non-DICOM part type per part, and wrong request media types with 415', async () => {
    const before = await storedCounts(t);
    const res = await stow(
      multipartRelated([{ body: Buffer.from('{}'), contentType: 'application/json' }], BOUNDARY),
    ).expect(409);
    expect(failures(res.body)[0]!.comment).toMatch(/application\/json/);
    const json = await stow(Buffer.from('{}'), 'application/json').expect(415);
    expect(json.body.message).toMatch(/multipart\/related/);
    await stow(
      multipartRelated([{ body: withPatientId() }], BOUNDARY),
      `multipart/related; type="application/dicom+json"; boundary=${BOUNDARY}`,
    ).expect(415);
    await stow(Buffer.from('x'), 'multipart/form-data; boundary=x').expect(415);
    expect(await storedCounts(t)).toEqual(before);
  });

  it('answers 400 for a wrong boundary, a missing boundary and a body with no parts, keeping nothing', async () => {
    const before = await storedCounts(t);
    const body = multipartRelated([{ body: await readFile(dicomFixture('ecg-12lead.dcm').path) }], 'the-real-boundary');
    const wrong = await stow(body, stowContentType('another-boundary')).expect(400);
    expect(wrong.body.message).toMatch(/boundary/i);
    await stow(body, 'multipart/related; type="application/dicom"').expect(400);
    await stow(Buffer.from(`--${BOUNDARY}--\r\n`)).expect(400);
    // Two good parts and then the body just stops: what was stored from it is taken back.
    const cut = multipartRelated(
      [
        { body: await readFile(dicomFixture('ecg-12lead.dcm').path) },
        { body: await readFile(dicomFixture('patient-name-utf8.dcm').path) },
      ],
      BOUNDARY,
    );
    await stow(cut.subarray(0, cut.length - 20)).expect(400);
    expect(await storedCounts(t)).toEqual(before);
  });

  it('answers 413 for a body over STOW_MAX_REQUEST_BYTES, by Content-Length before reading, or while reading', async () => {
    const before = await storedCounts(t);
    const tooBig = multipartRelated(
      [{ body: await readFile(dicomFixture('patient-name-gb18030.dcm').path) }, { body: Buffer.alloc(MAX_REQUEST) }],
      BOUNDARY,
    );
    const declared = await stow(tooBig).expect(413);
    expect(declared.body.message).toMatch(/STOW_MAX_REQUEST_BYTES/);

    // Chunked (no Content-Length): the first instance is stored before the limit is hit, then taken back.
    const { port } = t.http.address() as { port: number };
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/dicomweb/studies',
          headers: { 'Content-Type': stowContentType(BOUNDARY), Authorization: `Bearer ${a.tokens.clinic_technician}` },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < tooBig.length; i += 64 * 1024) req.write(tooBig.subarray(i, i + 64 * 1024));
      req.end();
    });
    expect(status).toBe(413);
    expect(await storedCounts(t)).toEqual(before);
  });

  it('lets only clinic staff store, and needs a token', async () => {
    const body = multipartRelated([{ body: withPatientId() }], BOUNDARY);
    for (const role of ['reader', 'coordinator', 'admin', 'auditor'] as const)
      await stow(body, undefined, a.tokens[role]).expect(403);
    await request(t.http)
      .post('/dicomweb/studies')
      .set('Content-Type', stowContentType(BOUNDARY))
      .send(body)
      .expect(401);
  });

  it('stays up after all of it', async () => {
    await request(t.http).get('/health').expect(200);
    expect((await storedCounts(t)).tempFiles).toBe(0);
  });
});
