import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { dicomFixture } from '../../fixtures/dicom-fixtures.js';
import { PDF } from '../../fixtures/uploads.js';
import { dicomwebClient } from '../../support/dicomweb-client.js';
import { multipartRelated, storedCounts, stowContentType } from '../../support/dicomweb.js';
import { collectBytes, getAs, postAs } from '../../support/http.js';
import { addUser, uploadEcgStudy } from '../../support/reading.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

const sha = (b: ArrayBuffer | Buffer) =>
  createHash('sha256')
    .update(Buffer.from(b as ArrayBuffer))
    .digest('hex');
const asArrayBuffer = (b: Buffer): ArrayBuffer =>
  b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
const value = (ds: Record<string, { Value?: unknown[] }>, tag: string) => ds[tag]?.Value?.[0];

const ct = dicomFixture('ct-small.dcm');
const ctInstance = {
  studyInstanceUID: ct.studyInstanceUid,
  seriesInstanceUID: ct.seriesInstanceUid,
  sopInstanceUID: ct.sopInstanceUid,
};
const ctInstancePath = `/dicomweb/studies/${ct.studyInstanceUid}/series/${ct.seriesInstanceUid}/instances/${ct.sopInstanceUid}`;

describe('Readers of the lead hospital see the studies they are asked to read', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  /** Tenant a's uploaded ECG study (a PDF tracing) and its DICOM CT study. */
  let ecgStudyId: string;
  let ecgFileId: string;
  let ctStudyId: string;
  let ctPatientId: string;
  let ctRequestId: string;
  let ecgRequest: { id: string; task: { id: string } };
  /** Reads ECG only; reads everything but works at a clinic. */
  let ecgOnlyReader: { id: string; token: string };
  let clinicReader: { id: string; token: string };

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = [await createTenant(t), await createTenant(t)];
    ecgOnlyReader = await addUser(t, a, { role: 'reader', privileges: [{ discipline: 'ecg', canSign: false }] });
    clinicReader = await addUser(t, a, {
      role: 'reader',
      institutionId: a.clinicIds[1],
      privileges: [
        { discipline: 'imaging', canSign: false },
        { discipline: 'ecg', canSign: false },
      ],
    });
  });
  afterAll(async () => {
    await t.close();
  });

  /** What a caller gets from QIDO-RS (study level) for the CT, from WADO-RS for its instance, from the record API. */
  const ctVisibility = async (token: string) => {
    const qido = await getAs(t, `/dicomweb/studies?StudyInstanceUID=${ct.studyInstanceUid}`, token);
    const wado = await getAs(t, `${ctInstancePath}/metadata`, token);
    const record = await getAs(t, `/api/studies/${ctStudyId}`, token);
    return {
      qido: qido.status === 200 ? (qido.body as unknown[]).length : qido.status,
      wado: wado.status,
      record: record.status,
    };
  };
  const ecgRecordStatus = async (token: string) => (await getAs(t, `/api/studies/${ecgStudyId}`, token)).status;

  it('a clinic sends a DICOM study (STOW-RS) and an ECG upload; readers see neither before a request', async () => {
    await dicomwebClient(t, a.tokens.clinic_technician).storeInstances({
      datasets: [asArrayBuffer(await readFile(ct.path))],
    });
    const [row] = await t.sql<{ id: string; patient_id: string }>(
      'SELECT id, patient_id FROM studies WHERE study_instance_uid = $1',
      [ct.studyInstanceUid],
    );
    ctStudyId = row!.id;
    ctPatientId = row!.patient_id;
    ecgStudyId = await uploadEcgStudy(t, a.tokens.clinic_doctor, 'RSA-1');
    ecgFileId = (await getAs(t, `/api/studies/${ecgStudyId}`, a.tokens.clinic_doctor).expect(200)).body.files[0].id;

    // The centre's readers staff a centre, so they may search: they find nothing yet.
    for (const token of [a.tokens.reader, a.tokens.senior_reader]) {
      expect(await ctVisibility(token)).toEqual({ qido: 0, wado: 404, record: 403 });
      expect(await ecgRecordStatus(token)).toBe(403);
      expect(await dicomwebClient(t, token).searchForStudies()).toEqual([]);
    }
    await getAs(t, `/api/studies/${ecgStudyId}/files/${ecgFileId}`, a.tokens.reader).expect(403);
    const denied = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events
        WHERE action = 'study.read' AND object_id = $1 AND actor_user_id = $2 AND outcome = 'denied'`,
      [ecgStudyId, a.userIds.reader],
    );
    expect(denied[0]!.n).toBe(1);
  });

  it('once the clinic requests readings, the centre’s readers find and retrieve the study with a DICOMweb client', async () => {
    // A study sent by STOW-RS is named by its Study Instance UID (the clinic need not know the hub's id).
    const both = await postAs(t, '/api/requests', a.tokens.clinic_doctor, {
      studyId: ctStudyId,
      studyInstanceUid: ct.studyInstanceUid,
      priority: 'urgent',
    });
    expect(both.status).toBe(400);
    expect(both.body.message).toMatch(/studyId or by studyInstanceUid/);
    await postAs(t, '/api/requests', a.tokens.clinic_doctor, { studyInstanceUid: 'x.y', priority: 'urgent' }).expect(
      400,
    );
    await postAs(t, '/api/requests', a.tokens.clinic_doctor, {
      studyInstanceUid: '1.2.3.999',
      priority: 'urgent',
    }).expect(404);
    await postAs(t, '/api/requests', b.tokens.clinic_doctor, {
      studyInstanceUid: ct.studyInstanceUid,
      priority: 'urgent',
    }).expect(403);
    const ctReq = await postAs(t, '/api/requests', a.tokens.clinic_doctor, {
      studyInstanceUid: ct.studyInstanceUid,
      priority: 'urgent',
    });
    expect(ctReq.status).toBe(201);
    expect(ctReq.body.studyId).toBe(ctStudyId);
    expect(ctReq.body.task.centreId).toBe(a.centreIds.imaging);
    ctRequestId = ctReq.body.id;
    const ecgReq = await postAs(t, '/api/requests', a.tokens.clinic_doctor, { studyId: ecgStudyId, priority: 'stat' });
    expect(ecgReq.status).toBe(201);
    ecgRequest = ecgReq.body;

    // The grants are rows of their own, made in the request's transaction and audited.
    const grants = await t.sql<{ grantee_type: string; grantee_id: string; source_id: string; revoked_at: Date }>(
      'SELECT grantee_type, grantee_id, source_id, revoked_at FROM study_access_grants WHERE study_id = $1',
      [ctStudyId],
    );
    expect(grants).toEqual([
      { grantee_type: 'centre', grantee_id: a.centreIds.imaging, source_id: ctRequestId, revoked_at: null },
    ]);
    const grantEvents = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'study.access.grant' AND object_id = $1
          AND patient_id = $2 AND actor_user_id = $3`,
      [ctStudyId, ctPatientId, a.userIds.clinic_doctor],
    );
    expect(grantEvents[0]!.n).toBe(1);

    for (const token of [a.tokens.reader, a.tokens.senior_reader]) {
      const client = dicomwebClient(t, token);
      const studies = await client.searchForStudies();
      expect(studies.map((s) => value(s, '0020000D'))).toEqual([ct.studyInstanceUid]);
      const series = await client.searchForSeries({ studyInstanceUID: ct.studyInstanceUid });
      expect(series.map((s) => value(s, '0020000E'))).toEqual([ct.seriesInstanceUid]);
      const instances = await client.searchForInstances({ studyInstanceUID: ct.studyInstanceUid });
      expect(instances.map((s) => value(s, '00080018'))).toEqual([ct.sopInstanceUid]);
      const bytes = await client.retrieveInstance(ctInstance);
      expect(sha(bytes)).toBe(sha(await readFile(ct.path)));
      const metadata = await client.retrieveStudyMetadata({ studyInstanceUID: ct.studyInstanceUid });
      expect(value(metadata[0]!, '00080018')).toBe(ct.sopInstanceUid);
      expect(await ctVisibility(token)).toEqual({ qido: 1, wado: 200, record: 200 });
    }

    // The ECG upload and its file, byte for byte.
    const record = await getAs(t, `/api/studies/${ecgStudyId}`, a.tokens.reader).expect(200);
    expect(record.body.files).toHaveLength(1);
    const file = await getAs(t, `/api/studies/${ecgStudyId}/files/${ecgFileId}`, a.tokens.reader)
      .buffer(true)
      .parse(collectBytes)
      .expect(200);
    expect(Buffer.compare(file.body as Buffer, PDF)).toBe(0);
  });

  it('the audit trail records the readers’ reads with the patient, like any other read', async () => {
    const audit = async (action: string, actorUserId: string) =>
      (
        await request(t.http)
          .get('/api/audit')
          .query({ action, actorUserId })
          .auth(a.tokens.auditor, { type: 'bearer' })
          .expect(200)
      ).body as { total: number; items: { patientId: string; outcome: string; actorRoles: string[] }[] };
    const retrieve = await audit('dicomweb.wado.retrieve', a.userIds.reader);
    expect(retrieve.total).toBeGreaterThan(0);
    expect(retrieve.items[0]).toMatchObject({ patientId: ctPatientId, outcome: 'success', actorRoles: ['reader'] });
    for (const action of ['dicomweb.qido.studies', 'dicomweb.qido.series', 'dicomweb.qido.instances']) {
      expect((await audit(action, a.userIds.senior_reader)).items[0]).toMatchObject({ patientId: ctPatientId });
    }
    expect((await audit('dicomweb.wado.metadata', a.userIds.reader)).total).toBeGreaterThan(0);
    expect((await audit('study.read', a.userIds.reader)).items.map((e) => e.outcome)).toContain('success');
    expect((await audit('study.file.read', a.userIds.reader)).items[0]!.outcome).toBe('success');
  });

  it('a reader of another discipline, another institution or another consortium still sees nothing', async () => {
    // Privileged for ECG only: the ECG study, not the CT.
    expect(await ctVisibility(ecgOnlyReader.token)).toEqual({ qido: 0, wado: 404, record: 403 });
    expect(await ecgRecordStatus(ecgOnlyReader.token)).toBe(200);
    // Works at a clinic, not at the centres' host: no scope at all.
    expect(await ctVisibility(clinicReader.token)).toEqual({ qido: 403, wado: 403, record: 403 });
    await expect(dicomwebClient(t, clinicReader.token).retrieveInstance(ctInstance)).rejects.toBeDefined();
    // The lead hospital of another consortium.
    for (const token of [b.tokens.reader, b.tokens.senior_reader]) {
      expect(await ctVisibility(token)).toEqual({ qido: 0, wado: 404, record: 403 });
      expect(await ecgRecordStatus(token)).toBe(403);
      await expect(dicomwebClient(t, token).retrieveInstance(ctInstance)).rejects.toBeDefined();
    }
    // Other roles of the lead hospital are not readers: a specialist sees only studies of consultations they are
    // invited to (none here), an auditor no study at all.
    expect(await ctVisibility(a.tokens.specialist)).toEqual({ qido: 0, wado: 404, record: 403 });
    expect(await ctVisibility(a.tokens.auditor)).toEqual({ qido: 403, wado: 403, record: 403 });
  });

  it('readers cannot store studies', async () => {
    const before = await storedCounts(t);
    for (const token of [a.tokens.reader, a.tokens.senior_reader]) {
      const res = await request(t.http)
        .post('/dicomweb/studies')
        .set('Content-Type', stowContentType('rsa'))
        .auth(token, { type: 'bearer' })
        .send(multipartRelated([{ body: await readFile(dicomFixture('cr-small.dcm').path) }], 'rsa'));
      expect(res.status).toBe(403);
      await expect(
        dicomwebClient(t, token).storeInstances({
          datasets: [asArrayBuffer(await readFile(dicomFixture('mr-small.dcm').path))],
        }),
      ).rejects.toBeDefined();
      await expect(uploadEcgStudy(t, token, 'RSA-READER')).rejects.toThrow(/403/);
    }
    expect(await storedCounts(t)).toEqual(before);
  });

  it('an expired grant gives nothing', async () => {
    await t.sql(
      `UPDATE study_access_grants SET expires_at = granted_at + interval '1 millisecond' WHERE source_id = $1`,
      [ctRequestId],
    );
    expect(await ctVisibility(a.tokens.reader)).toEqual({ qido: 0, wado: 404, record: 403 });
    await t.sql('UPDATE study_access_grants SET expires_at = NULL WHERE source_id = $1', [ctRequestId]);
    expect(await ctVisibility(a.tokens.reader)).toEqual({ qido: 1, wado: 200, record: 200 });
  });

  it('cancelling the request takes the access away, and the revoke is audited', async () => {
    await postAs(t, `/api/requests/${ctRequestId}/cancel`, a.tokens.clinic_doctor, { reason: '患者转院' }).expect(200);
    for (const token of [a.tokens.reader, a.tokens.senior_reader]) {
      expect(await ctVisibility(token)).toEqual({ qido: 0, wado: 404, record: 403 });
      expect(await dicomwebClient(t, token).searchForStudies()).toEqual([]);
      await expect(dicomwebClient(t, token).retrieveInstance(ctInstance)).rejects.toBeDefined();
    }
    const [grant] = await t.sql<{ revoked_at: Date | null }>(
      'SELECT revoked_at FROM study_access_grants WHERE source_id = $1',
      [ctRequestId],
    );
    expect(grant!.revoked_at).toBeInstanceOf(Date);
    const revokes = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'study.access.revoke' AND object_id = $1`,
      [ctStudyId],
    );
    expect(revokes[0]!.n).toBe(1);
    // The clinic still sees its own study (QIDO-RS lists its DICOM studies, not its uploads); a new request grants it
    // again.
    expect(await ctVisibility(a.tokens.clinic_doctor)).toEqual({ qido: 1, wado: 200, record: 200 });
    const clinicStudies = await dicomwebClient(t, a.tokens.clinic_doctor).searchForStudies();
    expect(clinicStudies.map((s) => value(s, '0020000D'))).toEqual([ct.studyInstanceUid]);
    const again = await postAs(t, '/api/requests', a.tokens.clinic_doctor, { studyId: ctStudyId, priority: 'routine' });
    expect(again.status).toBe(201);
    expect(await ctVisibility(a.tokens.reader)).toEqual({ qido: 1, wado: 200, record: 200 });
  });

  it('a returned request keeps the access; so does resubmission; and the signed report keeps it', async () => {
    const taskId = ecgRequest.task.id;
    const claim = async (token: string, stage?: 'review') => {
      const res = await postAs(t, `/api/centres/${a.centreIds.ecg}/claim`, token, stage ? { stage } : {});
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(taskId);
      return res.body.fencingToken as number;
    };
    let fencingToken = await claim(a.tokens.reader);
    await postAs(t, `/api/tasks/${taskId}/return`, a.tokens.reader, {
      fencingToken,
      reason: 'poor_image_quality',
      note: '导联脱落',
    }).expect(200);
    expect(await ecgRecordStatus(a.tokens.reader)).toBe(200);
    await postAs(t, `/api/requests/${ecgRequest.id}/resubmit`, a.tokens.clinic_doctor, {}).expect(200);
    expect(await ecgRecordStatus(a.tokens.reader)).toBe(200);

    fencingToken = await claim(a.tokens.reader);
    await request(t.http)
      .put(`/api/tasks/${taskId}/report`)
      .auth(a.tokens.reader, { type: 'bearer' })
      .send({ fencingToken, findings: '窦性心律。', impression: '正常心电图' })
      .expect(200);
    await postAs(t, `/api/tasks/${taskId}/submit`, a.tokens.reader, { fencingToken }).expect(200);
    const reviewToken = await claim(a.tokens.senior_reader, 'review');
    const signed = await postAs(t, `/api/tasks/${taskId}/sign`, a.tokens.senior_reader, {
      fencingToken: reviewToken,
    }).expect(200);
    expect(signed.body.task.state).toBe('signed');
    expect(await ecgRecordStatus(a.tokens.reader)).toBe(200);
    expect(await ecgRecordStatus(a.tokens.senior_reader)).toBe(200);
    const active = await t.sql<{ n: number }>(
      'SELECT count(*)::int AS n FROM study_access_grants WHERE source_id = $1 AND revoked_at IS NULL',
      [ecgRequest.id],
    );
    expect(active[0]!.n).toBe(1);
  });
});
