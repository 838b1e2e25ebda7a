import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import dicomParser from 'dicom-parser';
import request from 'supertest';
import { DicomGateway } from '@hub/dimse';
import { dicomFixture } from '../../fixtures/dicom-fixtures.js';
import { minimalDataset, writePart10 } from '../../fixtures/dicom-writer.js';
import { dcmtk, requireDcmtk } from '../../support/dcmtk.js';
import { storedCounts } from '../../support/dicomweb.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { collectBytes } from '../../support/http.js';

// A file without trailing padding: DCMTK sends every other byte of its data set as it is in the file.
const CR = dicomFixture('cr-small.dcm');
const REAL_FILES = ['ct-small.dcm', 'mr-small.dcm', 'cr-small.dcm', 'ecg-12lead.dcm', 'patient-name-gb18030.dcm'].map(
  dicomFixture,
);

describe('DICOM gateway (DIMSE) with DCMTK as the modality', () => {
  let t: TestApp;
  let tenant: Tenant;
  let port: string;
  let work: string;

  const uid = () => `2.25.${BigInt(`0x${randomBytes(15).toString('hex')}`).toString()}`;

  /** A study of `count` CT instances made for the test (one series), written as files into a fresh folder. */
  async function craftedStudy(count: number, patientId: string): Promise<{ dir: string; studyUid: string }> {
    const dir = await mkdtemp(path.join(work, 'study-'));
    const studyUid = uid();
    const seriesUid = uid();
    for (let i = 0; i < count; i++) {
      const sopUid = uid();
      const file = writePart10(
        minimalDataset({
          override: { 0x00080018: sopUid, 0x0020000d: studyUid, 0x0020000e: seriesUid },
          extra: [{ tag: 0x00100020, vr: 'LO', value: patientId }],
        }),
      );
      await writeFile(path.join(dir, `img${i}.dcm`), file);
    }
    return { dir, studyUid };
  }

  const register = (aeTitle: string, institutionId: string, extra: object = {}) =>
    request(t.http)
      .post('/api/modalities')
      .auth(tenant.tokens.admin, { type: 'bearer' })
      .send({ institutionId, aeTitle, ...extra });

  const echo = (aeTitle: string, called = 'HUB') =>
    dcmtk('echoscu', ['-aet', aeTitle, '-aec', called, '127.0.0.1', port]);
  const store = (aeTitle: string, files: string[]) =>
    dcmtk('storescu', ['-v', '-nh', '-aet', aeTitle, '-aec', 'HUB', '127.0.0.1', port, ...files]);
  const storeFolder = (aeTitle: string, dir: string) =>
    dcmtk('storescu', ['-nh', '+sd', '+r', '-aet', aeTitle, '-aec', 'HUB', '127.0.0.1', port, dir]);

  async function find(aeTitle: string, keys: string[]): Promise<dicomParser.DataSet[]> {
    const out = await mkdtemp(path.join(work, 'find-'));
    const run = await dcmtk(
      'findscu',
      [
        '-S',
        '-X',
        '-od',
        out,
        '-aet',
        aeTitle,
        '-aec',
        'HUB',
        '127.0.0.1',
        port,
        '-k',
        'QueryRetrieveLevel=STUDY',
      ].concat(keys.flatMap((k) => ['-k', k])),
    );
    expect(run.code).toBe(0);
    const files = (await readdir(out)).sort();
    return Promise.all(
      files.map(async (f) => dicomParser.parseDicom(new Uint8Array(await readFile(path.join(out, f))))),
    );
  }

  beforeAll(async () => {
    requireDcmtk();
    work = await mkdtemp(path.join(os.tmpdir(), 'hub-dimse-'));
    t = await startTestApp({ DICOM_ENABLED: 'true', DICOM_PORT: '0', DICOM_HOST: '127.0.0.1' });
    port = String(t.app.get(DicomGateway).port);
    tenant = await createTenant(t);
    expect((await register('CT01', tenant.clinicIds[0], { addresses: ['127.0.0.1'] })).status).toBe(201);
    expect((await register('DR02', tenant.clinicIds[1])).status).toBe(201);
    expect((await register('FAR01', tenant.clinicIds[0], { addresses: ['192.0.2.0/24'] })).status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  describe('C-ECHO and association control', () => {
    it('answers a registered modality', async () => {
      const run = await echo('CT01');
      expect(run.code).toBe(0);
    });

    it('refuses an unknown calling AE title, a wrong called AE title and a disallowed address at association', async () => {
      const unknown = await echo('NOBODY');
      expect(unknown.code).not.toBe(0);
      expect(unknown.output).toMatch(/Calling AE Title Not Recognized/i);
      const wrongCalled = await echo('CT01', 'OTHER');
      expect(wrongCalled.code).not.toBe(0);
      expect(wrongCalled.output).toMatch(/Called AE Title Not Recognized/i);
      const farAway = await echo('FAR01');
      expect(farAway.code).not.toBe(0);
      expect(farAway.output).toMatch(/Calling AE Title Not Recognized/i);
      const refusals = await t.sql(
        `SELECT details->>'callingAeTitle' AS ae, details->>'refused' AS why FROM audit_events
          WHERE action = 'dicom.association' AND outcome = 'denied' ORDER BY id`,
      );
      expect(refusals).toEqual(
        expect.arrayContaining([
          { ae: 'NOBODY', why: 'calling-ae' },
          { ae: 'CT01', why: 'called-ae' },
          { ae: 'FAR01', why: 'address' },
        ]),
      );
    });
  });

  describe('C-STORE', () => {
    it('files real CT, MR, CR, ECG and Chinese-named instances under the clinic, as STOW-RS would', async () => {
      const run = await store(
        'CT01',
        REAL_FILES.map((f) => f.path),
      );
      expect(run.code).toBe(0);
      const rows = await t.sql(
        `SELECT i.sop_instance_uid AS uid, s.institution_id AS "institutionId", s.discipline
           FROM instances i JOIN studies s ON s.id = i.study_id WHERE i.sop_instance_uid = ANY($1)`,
        [REAL_FILES.map((f) => f.sopInstanceUid)],
      );
      expect(rows).toHaveLength(REAL_FILES.length);
      for (const row of rows) expect(row.institutionId).toBe(tenant.clinicIds[0]);
      const ecg = rows.find((r) => r.uid === dicomFixture('ecg-12lead.dcm').sopInstanceUid);
      expect(ecg!.discipline).toBe('ecg');
    });

    it('keeps the data set byte for byte: WADO-RS returns the sent bytes behind a Part 10 header', async () => {
      expect((await store('CT01', [CR.path])).code).toBe(0);
      const res = await request(t.http)
        .get(`/dicomweb/studies/${CR.studyInstanceUid}/series/${CR.seriesInstanceUid}/instances/${CR.sopInstanceUid}`)
        .auth(tenant.tokens.clinic_technician, { type: 'bearer' })
        .set('Accept', 'multipart/related; type="application/dicom"')
        .buffer(true)
        .parse(collectBytes);
      expect(res.status).toBe(200);
      const body = res.body as Buffer;
      // The one part of the multipart answer: from the preamble before "DICM" to the closing boundary.
      const part = body.subarray(body.indexOf('DICM') - 128, body.lastIndexOf('\r\n--'));
      // Preamble and DICM (132 bytes), the group length element (12), then the rest of the file meta group.
      const datasetOf = (file: Buffer) =>
        file.subarray(132 + 12 + dicomParser.readPart10Header(new Uint8Array(file)).uint32('x00020000')!);
      expect(datasetOf(part).equals(datasetOf(await readFile(CR.path)))).toBe(true);
      const sent = dicomParser.parseDicom(new Uint8Array(part));
      expect(sent.string('x00020016')).toBe('CT01');
    });

    it('stores a multi-file study once: the same study sent again adds nothing', async () => {
      const { dir, studyUid } = await craftedStudy(6, 'MULTI-1');
      expect((await storeFolder('CT01', dir)).code).toBe(0);
      const counted = async () =>
        (
          await t.sql(
            `SELECT count(DISTINCT i.id)::int AS instances, count(DISTINCT x.id)::int AS series
               FROM studies s JOIN series x ON x.study_id = s.id JOIN instances i ON i.series_id = x.id
              WHERE s.study_instance_uid = $1`,
            [studyUid],
          )
        )[0];
      expect(await counted()).toEqual({ instances: 6, series: 1 });
      const before = await storedCounts(t);
      expect((await storeFolder('CT01', dir)).code).toBe(0);
      expect(await counted()).toEqual({ instances: 6, series: 1 });
      expect(await storedCounts(t)).toEqual(before);
    });

    it('refuses an unregistered modality before any byte is stored', async () => {
      const before = await storedCounts(t);
      const { dir } = await craftedStudy(2, 'NOPE-1');
      const run = await storeFolder('NOBODY', dir);
      expect(run.code).not.toBe(0);
      expect(await storedCounts(t)).toEqual(before);
    });

    it('answers a malformed instance with a failure status, keeps nothing of it and stays up', async () => {
      const before = await storedCounts(t);
      const dir = await mkdtemp(path.join(work, 'bad-'));
      // No StudyInstanceUID: DCMTK sends it (it needs only the SOP UIDs), the hub must refuse it.
      const bad = writePart10(minimalDataset({ omit: [0x0020000d], override: { 0x00080018: uid() } }));
      await writeFile(path.join(dir, 'bad.dcm'), bad);
      const run = await store('CT01', [path.join(dir, 'bad.dcm')]);
      expect(run.output).toMatch(/Received Store Response \(Error: DataSetDoesNotMatchSOPClass\)/);
      expect(await storedCounts(t)).toEqual(before);
      expect((await echo('CT01')).code).toBe(0);
    });
  });

  describe('C-FIND (study level, the clinic’s own studies)', () => {
    it('finds by PatientID with the keys asked for', async () => {
      const { dir, studyUid } = await craftedStudy(3, 'FIND-7');
      expect((await storeFolder('CT01', dir)).code).toBe(0);
      const answers = await find('CT01', [
        'PatientID=FIND-7',
        'StudyInstanceUID',
        'PatientName',
        'NumberOfStudyRelatedInstances',
      ]);
      expect(answers).toHaveLength(1);
      expect(answers[0]!.string('x0020000d')).toBe(studyUid);
      expect(answers[0]!.string('x00100020')).toBe('FIND-7');
      expect(answers[0]!.string('x00201208')).toBe('3');
    });

    it('answers Chinese names in UTF-8', async () => {
      const gb = dicomFixture('patient-name-gb18030.dcm');
      const answers = await find('CT01', [
        `StudyInstanceUID=${gb.studyInstanceUid}`,
        'PatientName',
        'SpecificCharacterSet',
      ]);
      expect(answers).toHaveLength(1);
      expect(answers[0]!.string('x00080005')).toBe('ISO_IR 192');
      const name = Buffer.from(
        answers[0]!.byteArray.subarray(
          answers[0]!.elements.x00100010!.dataOffset,
          answers[0]!.elements.x00100010!.dataOffset + answers[0]!.elements.x00100010!.length,
        ),
      ).toString('utf8');
      expect(name.replace(/\s+$/, '')).toBe(gb.patientName);
    });

    it('answers a malformed matching value and a level other than STUDY with A900 and a reason', async () => {
      const refused = /Received Final Find Response \(Error: DataSetDoesNotMatchSOPClass\)/;
      const findVerbose = (keys: string[]) =>
        dcmtk('findscu', [
          '-S',
          '-v',
          '-aet',
          'CT01',
          '-aec',
          'HUB',
          '127.0.0.1',
          port,
          ...keys.flatMap((k) => ['-k', k]),
        ]);
      expect((await findVerbose(['QueryRetrieveLevel=STUDY', 'StudyDate=2026', 'StudyInstanceUID'])).output).toMatch(
        refused,
      );
      expect((await findVerbose(['QueryRetrieveLevel=SERIES', 'SeriesInstanceUID'])).output).toMatch(refused);
      expect((await echo('CT01')).code).toBe(0);
    });

    it("never shows another clinic's studies", async () => {
      const { dir } = await craftedStudy(1, 'OTHER-CLINIC-1');
      expect((await storeFolder('DR02', dir)).code).toBe(0);
      expect(await find('DR02', ['PatientID=OTHER-CLINIC-1', 'StudyInstanceUID'])).toHaveLength(1);
      expect(await find('CT01', ['PatientID=OTHER-CLINIC-1', 'StudyInstanceUID'])).toHaveLength(0);
    });
  });
  describe('auto-request and audit', () => {
    /** Resolves once the association that sent this study has been wrapped up (its audit event is the last step). */
    async function associationDone(studyUid: string): Promise<Record<string, unknown>> {
      for (let i = 0; i < 100; i++) {
        const [event] = await t.sql(
          `SELECT actor_user_id AS "actorUserId", actor_username AS "actorUsername",
                  actor_institution_id AS "actorInstitutionId", source_ip AS "sourceIp", details
             FROM audit_events WHERE action = 'dicom.store' AND details->'studies' ? $1`,
          [studyUid],
        );
        if (event) return event;
        await sleep(50);
      }
      throw new Error(`no dicom.store audit event for study ${studyUid}`);
    }

    const requestsFor = (studyUid: string) =>
      t.sql(
        `SELECT r.priority, r.referral, r.requested_by_user_id AS "requestedBy"
           FROM reading_requests r JOIN studies s ON s.id = r.study_id WHERE s.study_instance_uid = $1`,
        [studyUid],
      );

    it('makes a reading request for each arriving study, in the name of the clinic user who turned it on', async () => {
      const [ct01] = (
        await request(t.http).get('/api/modalities').auth(tenant.tokens.clinic_doctor, { type: 'bearer' })
      ).body as { id: string; aeTitle: string }[];
      expect(ct01!.aeTitle).toBe('CT01');
      const set = await request(t.http)
        .put(`/api/modalities/${ct01!.id}/auto-request`)
        .auth(tenant.tokens.clinic_doctor, { type: 'bearer' })
        .send({ priority: 'urgent', referral: true });
      expect(set.status).toBe(200);
      expect(set.body.autoRequest).toMatchObject({
        priority: 'urgent',
        referral: true,
        requestedByUserId: tenant.userIds.clinic_doctor,
      });

      const { dir, studyUid } = await craftedStudy(2, 'AUTO-1');
      expect((await storeFolder('CT01', dir)).code).toBe(0);
      const event = await associationDone(studyUid);
      expect(await requestsFor(studyUid)).toEqual([
        { priority: 'urgent', referral: true, requestedBy: tenant.userIds.clinic_doctor },
      ]);
      // The same study again: nothing new arrived, so no second request.
      expect((await storeFolder('CT01', dir)).code).toBe(0);
      await sleep(300);
      expect(await requestsFor(studyUid)).toHaveLength(1);
      // Who sent it, as the audit trail tells: the modality for its clinic, from its address.
      const ct01Row = (await t.sql("SELECT id FROM dicom_modalities WHERE ae_title = 'CT01'"))[0]!;
      expect(event).toMatchObject({
        actorUserId: ct01Row.id,
        actorUsername: 'dicom:CT01',
        actorInstitutionId: tenant.clinicIds[0],
        details: { aeTitle: 'CT01', stored: 2, failed: 0 },
      });
      expect(String(event.sourceIp)).toContain('127.0.0.1');

      const cleared = await request(t.http)
        .delete(`/api/modalities/${ct01!.id}/auto-request`)
        .auth(tenant.tokens.clinic_technician, { type: 'bearer' });
      expect(cleared.status).toBe(200);
      expect(cleared.body.autoRequest).toBeNull();
      const later = await craftedStudy(1, 'AUTO-2');
      expect((await storeFolder('CT01', later.dir)).code).toBe(0);
      await associationDone(later.studyUid);
      expect(await requestsFor(later.studyUid)).toEqual([]);
    });
  });

  describe('a modality that dies mid-instance', () => {
    it('leaves no instance and no object behind, and the next association works', async () => {
      const before = await storedCounts(t);
      const dir = await mkdtemp(path.join(work, 'big-'));
      const sopUid = uid();
      // 256 MiB of pixel data: long enough on loopback to be cut off while it is being received.
      const pixels = Buffer.alloc(256 * 1024 * 1024, 7);
      const file = writePart10(
        minimalDataset({
          override: { 0x00080018: sopUid, 0x0020000d: uid(), 0x0020000e: uid() },
          extra: [
            { tag: 0x00100020, vr: 'LO', value: 'BIG-1' },
            { tag: 0x7fe00010, vr: 'OB', value: pixels },
          ],
        }),
      );
      const bigFile = path.join(dir, 'big.dcm');
      await writeFile(bigFile, file);
      const child = spawn('storescu', ['-aet', 'CT01', '-aec', 'HUB', '127.0.0.1', port, bigFile], { stdio: 'ignore' });
      // Kill it as soon as the hub has begun to write the instance to the store.
      let receiving = false;
      for (let i = 0; i < 1000 && !receiving; i++) {
        receiving = (await storedCounts(t)).tempFiles > 0;
        if (!receiving) await sleep(5);
      }
      expect({ receiving, exited: child.exitCode }).toEqual({ receiving: true, exited: null });
      child.kill('SIGKILL');
      for (let i = 0; i < 100 && (await storedCounts(t)).tempFiles > 0; i++) await sleep(50);
      expect(await storedCounts(t)).toEqual(before);
      expect(await t.sql('SELECT 1 FROM instances WHERE sop_instance_uid = $1', [sopUid])).toEqual([]);
      expect((await echo('CT01')).code).toBe(0);
    }, 60_000);
  });
});
