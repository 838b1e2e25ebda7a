import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { DICOM_FIXTURES, dicomFixture } from '../../fixtures/dicom-fixtures.js';
import { dicomwebClient } from '../../support/dicomweb-client.js';
import { multipartRelated, storedCounts, stowContentType } from '../../support/dicomweb.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { login, startTestApp, type TestApp } from '../../support/test-app.js';

const sha = (b: ArrayBuffer | Buffer) =>
  createHash('sha256')
    .update(Buffer.from(b as ArrayBuffer))
    .digest('hex');
const asArrayBuffer = (b: Buffer): ArrayBuffer =>
  b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
const value = (ds: Record<string, { Value?: unknown[] }>, tag: string) => ds[tag]?.Value?.[0];

// A real file without a PatientID, which the hub refuses (it files studies under the clinic's patient id).
const WITHOUT_PATIENT_ID = ['deflated.dcm'];
// One file per SOP Instance UID (the MR fixtures share one UID in three encodings: the first is the one stored).
const uniqueFixtures = DICOM_FIXTURES.filter(
  (f, i, all) =>
    all.findIndex((g) => g.sopInstanceUid === f.sopInstanceUid) === i && !WITHOUT_PATIENT_ID.includes(f.file),
);
const multiFrame = dicomFixture('sc-multiframe-rle.dcm');
const storedFixtures = uniqueFixtures;

describe('DICOMweb with a real client (dicomweb-client) and real DICOM files', () => {
  let t: TestApp;
  let a: Tenant;
  let otherClinicDoctor: string;

  beforeAll(async () => {
    t = await startTestApp();
    a = await createTenant(t);
    const username = `doctor2.${a.code.toLowerCase()}`;
    await request(t.http)
      .post('/api/users')
      .auth(a.platformAdminToken, { type: 'bearer' })
      .send({
        username,
        password: 'clinic-two-doctor-pw',
        displayName: 'Doctor 2',
        institutionId: a.clinicIds[1],
        roles: ['clinic_doctor'],
      })
      .expect(201);
    otherClinicDoctor = await login(t, username, 'clinic-two-doctor-pw');
  });
  afterAll(async () => {
    await t.close();
  });

  it('stores every fixture (CT, MR, CR, multi-frame US, 12-lead ECG, deflated, Chinese and other character sets)', async () => {
    const client = dicomwebClient(t, a.tokens.clinic_technician);
    const datasets = await Promise.all(uniqueFixtures.map(async (f) => asArrayBuffer(await readFile(f.path))));
    await client.storeInstances({ datasets });
    const counts = await storedCounts(t);
    expect(counts.instances).toBe(storedFixtures.length);
    expect(counts.objects).toBe(storedFixtures.length);
    expect(counts.tempFiles).toBe(0);
  });

  it('refuses a real file without a PatientID, saying why, and keeps nothing of it', async () => {
    const before = await storedCounts(t);
    const parts = await Promise.all(
      ['deflated.dcm'].map(async (f) => ({ body: await readFile(dicomFixture(f).path) })),
    );
    const res = await request(t.http)
      .post('/dicomweb/studies')
      .set('Content-Type', stowContentType('b'))
      .auth(a.tokens.clinic_technician, { type: 'bearer' })
      .send(multipartRelated(parts, 'b'))
      .expect(409);
    const failed = res.body['00081198'].Value as Record<string, { Value: unknown[] }>[];
    expect(failed.map((f) => f['00081197']!.Value[0])).toEqual([0xa900]);
    expect(failed[0]!['00000902']!.Value[0]).toMatch(/PatientID/);
    expect(await storedCounts(t)).toEqual(before);
  });

  it('finds studies by patient name with wildcards, in Chinese too, and by modality, date and UID', async () => {
    const client = dicomwebClient(t, a.tokens.clinic_doctor);
    const all = await client.searchForStudies();
    expect(all).toHaveLength(new Set(storedFixtures.map((f) => f.studyInstanceUid)).size);

    const chinese = dicomFixture('patient-name-gb18030.dcm');
    const byName = await client.searchForStudies({ queryParams: { PatientName: '*王^小东*' } });
    expect(byName.map((s) => value(s, '0020000D'))).toEqual([chinese.studyInstanceUid]);
    expect(value(byName[0]!, '00100010')).toEqual({ Alphabetic: 'Wang^XiaoDong', Ideographic: '王^小东' });

    const ecg = dicomFixture('ecg-12lead.dcm');
    const byModality = await client.searchForStudies({ queryParams: { ModalitiesInStudy: 'ECG' } });
    expect(byModality.map((s) => value(s, '0020000D'))).toEqual([ecg.studyInstanceUid]);

    const ct = dicomFixture('ct-small.dcm');
    const byUid = await client.searchForStudies({ queryParams: { StudyInstanceUID: ct.studyInstanceUid } });
    expect(byUid).toHaveLength(1);
    expect(value(byUid[0]!, '00201208')).toBe(1);
    expect(byUid[0]!['00080061']!.Value).toEqual(['CT']);

    const byDate = await client.searchForStudies({ queryParams: { StudyDate: '20040101-20041231' } });
    expect(byDate.map((s) => value(s, '0020000D'))).toContain(ct.studyInstanceUid);
    const none = await client.searchForStudies({ queryParams: { StudyDate: '19000101-19000102' } });
    expect(none).toEqual([]);

    const paged = await client.searchForStudies({ queryParams: { limit: 2, offset: 1 } });
    expect(paged).toHaveLength(2);
  });

  it('searches series and instances, with includefield', async () => {
    const client = dicomwebClient(t, a.tokens.clinic_doctor);
    const us = multiFrame;
    const series = await client.searchForSeries({ studyInstanceUID: us.studyInstanceUid });
    expect(series.map((s) => value(s, '0020000E'))).toEqual([us.seriesInstanceUid]);
    expect(value(series[0]!, '00080060')).toBe('OT');
    const instances = await client.searchForInstances({
      studyInstanceUID: us.studyInstanceUid,
      seriesInstanceUID: us.seriesInstanceUid,
      queryParams: { includefield: 'PatientName' },
    });
    expect(instances).toHaveLength(1);
    expect(value(instances[0]!, '00080018')).toBe(us.sopInstanceUid);
    expect(value(instances[0]!, '00280008')).toBe(2);
    expect(instances[0]!['00100010']).toBeDefined();
  });

  it('retrieves instances, series and studies byte for byte as stored, and their metadata', async () => {
    const client = dicomwebClient(t, a.tokens.clinic_doctor);
    for (const f of uniqueFixtures) {
      const bytes = await client.retrieveInstance({
        studyInstanceUID: f.studyInstanceUid,
        seriesInstanceUID: f.seriesInstanceUid,
        sopInstanceUID: f.sopInstanceUid,
      });
      expect(sha(bytes)).toBe(sha(await readFile(f.path)));
    }
    const frames = await client.retrieveInstance({
      studyInstanceUID: multiFrame.studyInstanceUid,
      seriesInstanceUID: multiFrame.seriesInstanceUid,
      sopInstanceUID: multiFrame.sopInstanceUid,
    });
    expect(sha(frames)).toBe(sha(await readFile(multiFrame.path)));
    const ecg = dicomFixture('ecg-12lead.dcm');
    const study = await client.retrieveStudy({ studyInstanceUID: ecg.studyInstanceUid });
    expect(study.map(sha)).toEqual([sha(await readFile(ecg.path))]);

    const metadata = await client.retrieveStudyMetadata({ studyInstanceUID: ecg.studyInstanceUid });
    expect(metadata).toHaveLength(1);
    expect(value(metadata[0]!, '00080016')).toBe(ecg.sopClassUid);
    expect(value(metadata[0]!, '00080018')).toBe(ecg.sopInstanceUid);
    // Waveform samples are bulk data: never inlined in the metadata.
    const waveforms = (metadata[0]!['54000100']?.Value ?? []) as Record<
      string,
      { InlineBinary?: string; Value?: unknown[] }
    >[];
    expect(waveforms.length).toBeGreaterThan(0);
    for (const w of waveforms) {
      expect(w['54001010']?.InlineBinary).toBeUndefined();
      expect(w['54001010']?.Value).toBeUndefined();
    }
    expect(JSON.stringify(metadata).length).toBeLessThan(ecg.size / 4);
  });

  it('takes the same bytes again as a no-op', async () => {
    const before = await storedCounts(t);
    const client = dicomwebClient(t, a.tokens.clinic_technician);
    await client.storeInstances({ datasets: [asArrayBuffer(await readFile(dicomFixture('ct-small.dcm').path))] });
    expect(await storedCounts(t)).toEqual(before);
  });

  it('shows a clinic only its own studies; coordinators see the consortium’s; readers go through requests', async () => {
    const ct = dicomFixture('ct-small.dcm');
    const other = dicomwebClient(t, otherClinicDoctor);
    expect(await other.searchForStudies()).toEqual([]);
    await expect(
      other.retrieveInstance({
        studyInstanceUID: ct.studyInstanceUid,
        seriesInstanceUID: ct.seriesInstanceUid,
        sopInstanceUID: ct.sopInstanceUid,
      }),
    ).rejects.toBeDefined();
    const wado = await request(t.http)
      .get(`/dicomweb/studies/${ct.studyInstanceUid}/metadata`)
      .auth(otherClinicDoctor, { type: 'bearer' });
    expect(wado.status).toBe(404);

    const coordinator = await dicomwebClient(t, a.tokens.coordinator).searchForStudies();
    expect(coordinator.length).toBeGreaterThan(0);
    // A centre reader sees only studies granted to their centre by a reading request: none here.
    const reader = await request(t.http).get('/dicomweb/studies').auth(a.tokens.reader, { type: 'bearer' });
    expect(reader.status).toBe(200);
    expect(reader.body).toEqual([]);
    // A specialist sees only the studies of consultations they are invited to: none here.
    const specialist = await request(t.http).get('/dicomweb/studies').auth(a.tokens.specialist, { type: 'bearer' });
    expect(specialist.status).toBe(200);
    expect(specialist.body).toEqual([]);
    const auditor = await request(t.http).get('/dicomweb/studies').auth(a.tokens.auditor, { type: 'bearer' });
    expect(auditor.status).toBe(403);
    await request(t.http).get('/dicomweb/studies').expect(401);
  });

  it('audits every search and retrieval with the patient', async () => {
    const ecg = dicomFixture('ecg-12lead.dcm');
    await request(t.http)
      .get(`/dicomweb/studies/${ecg.studyInstanceUid}/metadata`)
      .auth(a.tokens.clinic_doctor, { type: 'bearer' })
      .expect(200);
    const res = await request(t.http)
      .get('/api/audit')
      .query({ action: 'dicomweb.wado.metadata', actorUserId: a.userIds.clinic_doctor })
      .auth(a.tokens.auditor, { type: 'bearer' })
      .expect(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(res.body.items[0].patientId).toMatch(/^[0-9a-f-]{36}$/);
    const stores = await request(t.http)
      .get('/api/audit')
      .query({ action: 'study.instance.store', actorUserId: a.userIds.clinic_technician })
      .auth(a.tokens.auditor, { type: 'bearer' })
      .expect(200);
    expect(stores.body.total).toBe(storedFixtures.length);
  });
});
