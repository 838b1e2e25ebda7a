import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { AuditRepository } from '@hub/audit';
import { ObjectScrubber } from '@hub/studies';
import { formatScrubReport } from '../../scripts/scrub-report.js';
import { dicomFixture } from '../fixtures/dicom-fixtures.js';
import { multipartRelated, stowContentType } from '../support/dicomweb.js';
import { uploadEcgStudy } from '../support/reading.js';
import { recordFigure } from '../support/reliability.js';
import { createTenant, type Tenant } from '../support/tenant.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('scrub: stored objects and the audit chain checked against what the hub recorded', () => {
  let t: TestApp;
  let a: Tenant;
  const objectPath = (key: string) => path.join(t.dataDir, 'objects', key);
  const scrub = async () => {
    const objects = await t.app.get(ObjectScrubber).scrub();
    const audit = await t.app.get(AuditRepository).verifyChain();
    return { objects, audit, ...formatScrubReport(objects, audit) };
  };

  beforeAll(async () => {
    t = await startTestApp();
    a = await createTenant(t);
    for (const file of ['ct-small.dcm', 'cr-small.dcm']) {
      await request(t.http)
        .post('/dicomweb/studies')
        .set('Content-Type', stowContentType('s'))
        .auth(a.tokens.clinic_technician, { type: 'bearer' })
        .send(multipartRelated([{ body: await readFile(dicomFixture(file).path) }], 's'))
        .expect(200);
    }
    await uploadEcgStudy(t, a.tokens.clinic_doctor, 'SCRUB-1');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('finds nothing wrong in an untouched hub', async () => {
    const result = await scrub();
    expect(result.objects.objects).toBe(3);
    expect(result.objects.problems).toEqual([]);
    expect(result.clean).toBe(true);
    expect(result.text).toMatch(/scrub: clean/);
  });

  it('reports an object changed on disk and one lost, by key, and a changed audit row', async () => {
    const [ct] = await t.sql<{ object_key: string; size: string }>(
      `SELECT object_key, size FROM instances WHERE sop_instance_uid = $1`,
      [dicomFixture('ct-small.dcm').sopInstanceUid],
    );
    const [cr] = await t.sql<{ object_key: string }>(`SELECT object_key FROM instances WHERE sop_instance_uid = $1`, [
      dicomFixture('cr-small.dcm').sopInstanceUid,
    ]);
    const bytes = await readFile(objectPath(ct!.object_key));
    bytes[bytes.length - 1] ^= 0xff; // one flipped pixel byte: the file still parses, only its hash tells
    await writeFile(objectPath(ct!.object_key), bytes);
    await rm(objectPath(cr!.object_key));
    // The audit trail is append-only for the app; its owner (or someone with the disk) can still change a row.
    await t.sql(`ALTER TABLE audit_events DISABLE TRIGGER USER`);
    await t.sql(`UPDATE audit_events SET action = 'tampered' WHERE id = (SELECT min(id) FROM audit_events)`);
    await t.sql(`ALTER TABLE audit_events ENABLE TRIGGER USER`);

    const result = await scrub();
    expect(result.objects.problems).toHaveLength(2);
    expect(result.objects.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ objectKey: cr!.object_key, kind: 'missing' }),
        expect.objectContaining({ objectKey: ct!.object_key, kind: 'altered', actualSize: Number(ct!.size) }),
      ]),
    );
    expect(result.audit.valid).toBe(false);
    expect(result.clean).toBe(false);
    expect(result.text).toContain(`MISSING  ${cr!.object_key}`);
    expect(result.text).toContain(`ALTERED  ${ct!.object_key}`);
    expect(result.text).toMatch(/audit chain: BROKEN at event/);
    const kinds = result.objects.problems.map((p) => p.kind).join(' + ');
    await recordFigure(
      `${result.objects.objects} objects checked: ${result.objects.problems.length} of 2 changes found (${kinds}); ` +
        `1 altered audit row found (chain broken)`,
    );
  });
});
