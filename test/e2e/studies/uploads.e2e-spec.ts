import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { storedCounts } from '../../support/dicomweb.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { AECG_XML, HL7_ORU, PDF, PNG, WINDOWS_EXE, dicomFile, metadataFor } from '../../fixtures/uploads.js';
import { collectBytes } from '../../support/http.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

type Attachment = { name: string; body: Buffer; contentType?: string };

describe('POST /api/studies: ECG, lab and pathology uploads', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;

  beforeAll(async () => {
    t = await startTestApp({ UPLOAD_MAX_FILE_BYTES: String(1024 * 1024), UPLOAD_MAX_FILES: '3' });
    [a, b] = [await createTenant(t), await createTenant(t)];
  });
  afterAll(async () => {
    await t.close();
  });

  const upload = (token: string | null, metadata: unknown, files: Attachment[] = []) => {
    let req = request(t.http).post('/api/studies');
    if (token) req = req.auth(token, { type: 'bearer' });
    req = req.field('metadata', typeof metadata === 'string' ? metadata : JSON.stringify(metadata));
    for (const f of files)
      req = req.attach('files', f.body, { filename: f.name, contentType: f.contentType ?? 'application/octet-stream' });
    return req;
  };

  describe('a stored study', () => {
    it('files an ECG with its tracings, sniffing their types from the bytes, and serves them back byte for byte', async () => {
      const res = await upload(a.tokens.clinic_technician, metadataFor('ecg', { localId: 'ECG-1', name: '王^小东' }), [
        // The client's claimed types are wrong on purpose: the hub believes the bytes.
        { name: '心电图报告.pdf', body: PDF, contentType: 'image/png' },
        { name: 'C:\\ECG\\aecg.xml', body: AECG_XML, contentType: 'text/plain' },
      ]).expect(201);
      expect(res.body).toMatchObject({
        discipline: 'ecg',
        institutionId: a.clinicIds[0],
        examCode: 'ECG-12',
        studyInstanceUid: null,
        dicom: null,
        labResults: [],
      });
      const files = res.body.files as {
        id: string;
        fileName: string;
        mediaType: string;
        format: string;
        sha256: string;
      }[];
      expect(files.map((f) => [f.fileName, f.mediaType, f.format]).sort()).toEqual([
        ['aecg.xml', 'application/hl7-aecg+xml', 'hl7-aecg'],
        ['心电图报告.pdf', 'application/pdf', 'pdf'],
      ]);
      const pdf = files.find((f) => f.format === 'pdf')!;
      expect(pdf.sha256).toBe(sha256(PDF));

      const download = await request(t.http)
        .get(`/api/studies/${res.body.id}/files/${pdf.id}`)
        .auth(a.tokens.clinic_doctor, { type: 'bearer' })
        .buffer(true)
        .parse(collectBytes)
        .expect(200);
      expect(Buffer.compare(download.body as Buffer, PDF)).toBe(0);
      expect(download.headers['content-type']).toBe('application/pdf');
      expect(download.headers['content-disposition']).toContain(
        `filename*=UTF-8''${encodeURIComponent('心电图报告.pdf')}`,
      );
      expect(download.headers['x-content-type-options']).toBe('nosniff');

      const actions = await t.sql<{ action: string }>(
        'SELECT action FROM audit_events WHERE patient_id = $1 ORDER BY id',
        [res.body.patientId],
      );
      expect(actions.map((r) => r.action)).toEqual(['patient.create', 'study.upload', 'study.file.read']);
    });

    it('files lab results from JSON metadata, an HL7 v2 ORU^R01 message and a JSON file, in order', async () => {
      const res = await upload(
        a.tokens.clinic_doctor,
        metadataFor(
          'lab',
          { localId: 'TS-000123' },
          {
            labResults: [
              {
                itemCode: 'WBC',
                itemName: '白细胞',
                value: 6.2,
                unit: '10^9/L',
                referenceRange: '3.5-9.5',
                abnormalFlag: 'N',
              },
            ],
          },
        ),
        [
          { name: 'oru.hl7', body: HL7_ORU },
          {
            name: 'extra.json',
            body: Buffer.from(
              JSON.stringify({
                results: [{ itemCode: 'HBA1C', itemName: '糖化血红蛋白', value: '<4.0', loinc: '4548-4' }],
              }),
            ),
          },
        ],
      ).expect(201);
      const hl7File = (res.body.files as { id: string; format: string }[]).find((f) => f.format === 'hl7v2')!;
      expect(res.body.labResults).toEqual([
        expect.objectContaining({
          itemCode: 'WBC',
          value: '6.2',
          numericValue: 6.2,
          abnormalFlag: 'N',
          sourceFileId: null,
        }),
        expect.objectContaining({
          itemCode: '2345-7',
          itemName: 'Glucose',
          loinc: '2345-7',
          value: '6.8',
          numericValue: 6.8,
          abnormalFlag: 'H',
          sourceFileId: hl7File.id,
        }),
        expect.objectContaining({ itemCode: 'HBSAG', value: '阴性', numericValue: null }),
        expect.objectContaining({ itemCode: 'HBA1C', value: '<4.0', numericValue: null, loinc: '4548-4' }),
      ]);
    });

    it('files the patient like DICOM ingest does: the same local id is the same patient, a national id links clinics', async () => {
      const nationalId = '11010519491231002X';
      const first = await upload(a.tokens.clinic_technician, metadataFor('ecg', { localId: 'LINK-1', nationalId }), [
        { name: 'a.pdf', body: PDF },
      ]).expect(201);
      const again = await upload(a.tokens.clinic_technician, metadataFor('ecg', { localId: 'LINK-1' }), [
        { name: 'b.png', body: PNG },
      ]).expect(201);
      expect(again.body.patientId).toBe(first.body.patientId);
      const dicomStudy = await request(t.http)
        .post('/dicomweb/studies')
        .auth(a.tokens.clinic_technician, { type: 'bearer' })
        .set('Content-Type', 'multipart/related; type="application/dicom"; boundary=B')
        .send(
          Buffer.concat([
            Buffer.from('--B\r\nContent-Type: application/dicom\r\n\r\n'),
            dicomFile('LINK-1'),
            Buffer.from('\r\n--B--\r\n'),
          ]),
        )
        .expect(200);
      expect(dicomStudy.body['00081199'].Value).toHaveLength(1); // ReferencedSOPSequence: stored
      const [row] = await t.sql<{ patient_id: string; id: string }>(
        'SELECT id, patient_id FROM studies WHERE study_instance_uid IS NOT NULL AND patient_local_id = $1',
        ['LINK-1'],
      );
      expect(row!.patient_id).toBe(first.body.patientId);
      const summary = await request(t.http)
        .get(`/api/studies/${row!.id}`)
        .auth(a.tokens.clinic_doctor, { type: 'bearer' })
        .expect(200);
      expect(summary.body.dicom).toEqual({ seriesCount: 1, instanceCount: 1, modalities: ['CT'] });
    });

    it('keeps only the base name of a file name: path traversal goes nowhere', async () => {
      const res = await upload(a.tokens.clinic_technician, metadataFor('ecg', { localId: 'PT-1' }), [
        { name: '../../../etc/passwd.pdf', body: PDF },
      ]).expect(201);
      expect(res.body.files[0].fileName).toBe('passwd.pdf');
    });
  });

  describe('refusals leave nothing behind', () => {
    const refused: [string, () => request.Test, number, RegExp][] = [];
    const add = (label: string, send: () => request.Test, status: number, message: RegExp) =>
      refused.push([label, send, status, message]);

    const ecg = (patch: object = {}) => metadataFor('ecg', { localId: 'BAD-1' }, patch);
    add('no token', () => upload(null, ecg(), [{ name: 'a.pdf', body: PDF }]), 401, /./);
    add('a reader (wrong role)', () => upload(a.tokens.reader, ecg(), [{ name: 'a.pdf', body: PDF }]), 403, /./);
    add(
      'a coordinator (wrong role)',
      () => upload(a.tokens.coordinator, ecg(), [{ name: 'a.pdf', body: PDF }]),
      403,
      /./,
    );
    add(
      'a wrong media type',
      () =>
        request(t.http)
          .post('/api/studies')
          .auth(a.tokens.clinic_technician, { type: 'bearer' })
          .set('Content-Type', 'text/plain')
          .send('hello'),
      415,
      /multipart\/form-data/,
    );
    add(
      'no metadata field',
      () =>
        request(t.http)
          .post('/api/studies')
          .auth(a.tokens.clinic_technician, { type: 'bearer' })
          .attach('files', PDF, 'a.pdf'),
      400,
      /metadata/,
    );
    add(
      'metadata that is not JSON',
      () => upload(a.tokens.clinic_technician, '{nope', [{ name: 'a.pdf', body: PDF }]),
      400,
      /not valid JSON/,
    );
    add(
      'metadata with wrong types',
      () =>
        upload(a.tokens.clinic_technician, ecg({ examCode: 12, performedAt: 'yesterday' }), [
          { name: 'a.pdf', body: PDF },
        ]),
      400,
      /examCode.*performedAt|performedAt.*examCode/s,
    );
    add(
      'metadata with a NUL character in the patient name',
      () =>
        upload(a.tokens.clinic_technician, metadataFor('ecg', { localId: 'BAD-1', name: '王\u0000五' }), [
          { name: 'a.pdf', body: PDF },
        ]),
      400,
      /metadata\.patient\.name contains the NUL character/,
    );
    add(
      'metadata missing the patient',
      () =>
        upload(
          a.tokens.clinic_technician,
          { discipline: 'ecg', examCode: 'X', performedAt: '2026-11-20T08:00:00+08:00' },
          [{ name: 'a.pdf', body: PDF }],
        ),
      400,
      /patient/,
    );
    add(
      'a nested wrong field',
      () => upload(a.tokens.clinic_technician, metadataFor('ecg', { localId: '../x' }), [{ name: 'a.pdf', body: PDF }]),
      400,
      /metadata\.patient\.localId/,
    );
    add(
      'an unknown metadata property',
      () => upload(a.tokens.clinic_technician, ecg({ priority: 'stat' }), [{ name: 'a.pdf', body: PDF }]),
      400,
      /priority/,
    );
    add(
      'an imaging study',
      () =>
        upload(a.tokens.clinic_technician, metadataFor('imaging', { localId: 'BAD-1' }), [
          { name: 'a.png', body: PNG },
        ]),
      400,
      /dicomweb/,
    );
    add(
      'an executable as an ECG',
      () =>
        upload(a.tokens.clinic_technician, ecg(), [
          { name: 'ecg.pdf', body: WINDOWS_EXE, contentType: 'application/pdf' },
        ]),
      415,
      /executable.*ecg studies accept/,
    );
    add(
      'a PNG as lab results',
      () =>
        upload(a.tokens.clinic_technician, metadataFor('lab', { localId: 'BAD-1' }), [{ name: 'lab.png', body: PNG }]),
      415,
      /png file; lab studies accept json, hl7v2, pdf/,
    );
    add(
      'a DICOM file as a pathology slide',
      () =>
        upload(a.tokens.clinic_technician, metadataFor('pathology', { localId: 'BAD-1' }), [
          { name: 's.dcm', body: dicomFile('BAD-1') },
        ]),
      415,
      /STOW-RS/,
    );
    add(
      'an empty file',
      () =>
        upload(a.tokens.clinic_technician, ecg(), [
          { name: 'a.pdf', body: PDF },
          { name: 'empty.pdf', body: Buffer.alloc(0) },
        ]),
      415,
      /empty file/,
    );
    add(
      'a file over UPLOAD_MAX_FILE_BYTES',
      () =>
        upload(a.tokens.clinic_technician, ecg(), [
          { name: 'big.pdf', body: Buffer.concat([PDF, Buffer.alloc(1024 * 1024)]) },
        ]),
      413,
      /resumable/,
    );
    add(
      'more files than UPLOAD_MAX_FILES',
      () =>
        upload(
          a.tokens.clinic_technician,
          ecg(),
          [1, 2, 3, 4].map((i) => ({ name: `${i}.pdf`, body: PDF })),
        ),
      413,
      /UPLOAD_MAX_FILES/,
    );
    add(
      'files before the metadata',
      () =>
        request(t.http)
          .post('/api/studies')
          .auth(a.tokens.clinic_technician, { type: 'bearer' })
          .attach('files', PDF, 'a.pdf')
          .field('metadata', JSON.stringify(ecg())),
      400,
      /before the files/,
    );
    add(
      'a wrong multipart boundary',
      () =>
        request(t.http)
          .post('/api/studies')
          .auth(a.tokens.clinic_technician, { type: 'bearer' })
          .set('Content-Type', 'multipart/form-data; boundary=nothere')
          .send(`--other\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n{}\r\n--other--\r\n`),
      400,
      /multipart/,
    );
    add('an ECG without files', () => upload(a.tokens.clinic_technician, ecg()), 422, /at least one file/);
    add(
      'lab values on an ECG',
      () =>
        upload(a.tokens.clinic_technician, ecg({ labResults: [{ itemCode: 'A', itemName: 'A', value: '1' }] }), [
          { name: 'a.pdf', body: PDF },
        ]),
      422,
      /lab studies/,
    );
    add(
      'a future performedAt',
      () =>
        upload(a.tokens.clinic_technician, ecg({ performedAt: '2099-01-01T00:00:00Z' }), [
          { name: 'a.pdf', body: PDF },
        ]),
      422,
      /future/,
    );
    add(
      'an HL7 message about another patient',
      () =>
        upload(a.tokens.clinic_technician, metadataFor('lab', { localId: 'SOMEONE-ELSE' }), [
          { name: 'oru.hl7', body: HL7_ORU },
        ]),
      422,
      /PID-3/,
    );
    add(
      'a lab JSON file with a wrong value type',
      () =>
        upload(a.tokens.clinic_technician, metadataFor('lab', { localId: 'BAD-1' }), [
          { name: 'r.json', body: Buffer.from('[{"itemCode":"A","itemName":"A","value":{"x":1}}]') },
        ]),
      400,
      /r\.json\[0\]\.value/,
    );
    add(
      'an invalid national id',
      () =>
        upload(a.tokens.clinic_technician, metadataFor('ecg', { localId: 'BAD-1', nationalId: '110105194912310021' }), [
          { name: 'a.pdf', body: PDF },
        ]),
      422,
      /check digit/,
    );
    add(
      'an unknown resumable upload id',
      () =>
        request(t.http)
          .post('/api/studies')
          .auth(a.tokens.clinic_technician, { type: 'bearer' })
          .send(metadataFor('pathology', { localId: 'BAD-1' }, { resumableUploads: ['0'.repeat(32)] })),
      404,
      /does not exist/,
    );

    it.each(refused)('%s', async (_label, send, status, message) => {
      const before = await storedCounts(t);
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.body.message).toMatch(message);
      expect(await storedCounts(t)).toEqual(before);
    });

    it('refuses a second upload with the same accession number (409 naming the first) and keeps nothing of it', async () => {
      const first = await upload(
        a.tokens.clinic_technician,
        metadataFor('ecg', { localId: 'ACC-1' }, { accessionNumber: 'ACC-0001' }),
        [{ name: 'a.pdf', body: PDF }],
      ).expect(201);
      const before = await storedCounts(t);
      const res = await upload(
        a.tokens.clinic_technician,
        metadataFor('ecg', { localId: 'ACC-1' }, { accessionNumber: 'ACC-0001' }),
        [{ name: 'b.png', body: PNG }],
      ).expect(409);
      expect(res.body.details).toEqual({ studyId: first.body.id });
      expect(await storedCounts(t)).toEqual(before);
      // Another institution may use the same accession number.
      await upload(
        b.tokens.clinic_technician,
        metadataFor('ecg', { localId: 'ACC-1' }, { accessionNumber: 'ACC-0001' }),
        [{ name: 'a.pdf', body: PDF }],
      ).expect(201);
    });
  });

  describe('reading is scoped to the institution and audited', () => {
    let studyId: string;
    let fileId: string;
    beforeAll(async () => {
      const res = await upload(a.tokens.clinic_technician, metadataFor('ecg', { localId: 'SCOPE-1' }), [
        { name: 'a.pdf', body: PDF },
      ]).expect(201);
      studyId = res.body.id;
      fileId = res.body.files[0].id;
    });

    it.each([
      ['the uploading clinic', () => a.tokens.clinic_doctor, 200],
      ['a coordinator of the consortium', () => a.tokens.coordinator, 200],
      ['a clinic of another consortium', () => b.tokens.clinic_doctor, 403],
      ['a coordinator of another consortium', () => b.tokens.coordinator, 403],
      ['a consortium admin', () => a.tokens.admin, 403],
    ])('%s gets %s', async (_who, token, status) => {
      await request(t.http).get(`/api/studies/${studyId}`).auth(token(), { type: 'bearer' }).expect(status);
      await request(t.http)
        .get(`/api/studies/${studyId}/files/${fileId}`)
        .auth(token(), { type: 'bearer' })
        .expect(status);
    });

    it('answers 404 for unknown studies and files, 400 for ids that are not UUIDs, 401 without a token', async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      const get = (p: string) => request(t.http).get(p).auth(a.tokens.clinic_doctor, { type: 'bearer' });
      await get(`/api/studies/${unknown}`).expect(404);
      await get(`/api/studies/${studyId}/files/${unknown}`).expect(404);
      await get('/api/studies/not-a-uuid').expect(400);
      await get(`/api/studies/${studyId}/files/1`).expect(400);
      await request(t.http).get(`/api/studies/${studyId}`).expect(401);
    });

    it('records denied reads too', async () => {
      await request(t.http).get(`/api/studies/${studyId}`).auth(b.tokens.clinic_doctor, { type: 'bearer' }).expect(403);
      const [denied] = await t.sql<{ n: number }>(
        "SELECT count(*)::int AS n FROM audit_events WHERE action = 'study.read' AND object_id = $1 AND outcome = 'denied'",
        [studyId],
      );
      expect(denied!.n).toBeGreaterThan(0);
    });
  });
});
