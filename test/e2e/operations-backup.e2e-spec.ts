import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import request from 'supertest';
import { type BackupManifest, objectFile, tableFile } from '@hub/backup';
import { BACKUP_GUARD_RELEASE, BACKUP_GUARD_TAKE, migrations } from '@hub/db';
import { OBJECT_STORE, type ObjectStore } from '@hub/storage';
import { OrphanObjectSweeper } from '@hub/studies';
import { dicomFixture } from '../fixtures/dicom-fixtures.js';
import { multipartRelated, stowContentType } from '../support/dicomweb.js';
import { buildHub, type HubBuild, type HubProcess, startHubProcess } from '../support/hub-process.js';
import { uploadEcgStudy } from '../support/reading.js';
import { residentId, signedEcg } from '../support/recognition.js';
import { s3EnvOf, startS3TestServer, type S3TestServer } from '../support/s3-test-server.js';
import { createTenant, type Tenant } from '../support/tenant.js';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/test-app.js';
import { createEmptyTestDatabase, type TestDatabase } from '../support/test-database.js';
import { collectBytes } from '../support/http.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a compiled operations script (dist/scripts/<name>.js) as `npm run <name>` would, with exactly this env. */
const runScript = (build: HubBuild, name: string, args: string[], env: Record<string, string>): Promise<Run> => {
  const script = path.join(path.dirname(build.entry), '..', '..', '..', 'scripts', `${name}.js`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'error', ...env }, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 2) : 0, stdout, stderr }),
    );
  });
};

describe('backup and restore (npm run backup / restore) of a hub that keeps writing', () => {
  let build: HubBuild;
  let s3: S3TestServer;
  let source: TestApp;
  let a: Tenant;
  let target: TestDatabase;
  let otherTarget: TestDatabase;
  let targetDataDir: string;
  let backupDir: string;
  let manifest: BackupManifest;
  let restored: HubProcess | undefined;
  let reportId: string;
  const work: string[] = [];
  const tempDir = async (prefix: string) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
    work.push(dir);
    return dir;
  };
  let sourceEnv: Record<string, string>;
  const targetEnv = (db: TestDatabase, dataDir: string) => ({
    DATABASE_URL: db.appUrl,
    DATABASE_ADMIN_URL: db.adminUrl,
    DATA_DIR: dataDir,
  });
  const stow = async (file: string) =>
    request(source.http)
      .post('/dicomweb/studies')
      .set('Content-Type', stowContentType('b'))
      .auth(a.tokens.clinic_technician, { type: 'bearer' })
      .send(multipartRelated([{ body: await readFile(dicomFixture(file).path) }], 'b'))
      .expect(200);

  beforeAll(async () => {
    build = await buildHub();
    s3 = await startS3TestServer();
    sourceEnv = s3EnvOf(s3);
    source = await startTestApp(sourceEnv);
    a = await createTenant(source);
    await stow('ct-small.dcm');
    await stow('cr-small.dcm');
    ({ reportId } = await signedEcg(source, a, a.tokens.clinic_doctor, {
      localId: 'BK-1',
      nationalId: residentId(1),
      performedAt: new Date(),
    }));
    target = await createEmptyTestDatabase();
    otherTarget = await createEmptyTestDatabase();
    targetDataDir = await tempDir('hub-restore-target-');
    backupDir = path.join(await tempDir('hub-backup-'), 'b1');
  }, 240_000);
  afterAll(async () => {
    await restored?.stop();
    await source?.close();
    await s3?.stop();
    await target?.drop();
    await otherTarget?.drop();
    await build?.remove();
    for (const dir of work) await rm(dir, { recursive: true, force: true });
  });

  it('backs up while a writer keeps uploading: the index from one snapshot, every referenced object with it', async () => {
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) await uploadEcgStudy(source, a.tokens.clinic_doctor, `BK-W${++written}`);
    })();
    const run = await runScript(build, 'backup', [backupDir], {
      ...sourceEnv,
      DATABASE_URL: source.appUrl,
      DATABASE_ADMIN_URL: source.adminUrl,
    });
    writing = false;
    await writer;
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/backup: done/);

    manifest = JSON.parse(await readFile(path.join(backupDir, 'manifest.json'), 'utf8')) as BackupManifest;
    const rows = (name: string) => manifest.tables.find((t) => t.name === name)!.rows;
    expect(manifest.migrations.at(-1)).toBe(migrations.at(-1)!.name);
    expect(manifest.hubVersion).toMatch(/^\d+\.\d+\.\d+/);
    // The writer went on during the backup: uploads committed after the snapshot are not in it, those before are.
    const [{ studies }] = await source.sql<{ studies: number }>('SELECT count(*)::int AS studies FROM studies');
    expect(written).toBeGreaterThan(0);
    expect(studies).toBe(3 + written);
    expect(rows('studies')).toBeGreaterThanOrEqual(3);
    expect(rows('studies')).toBeLessThan(studies);
    expect(rows('reports')).toBe(1);
    // Every object the snapshot's rows reference (same bytes, one object), with the hash the index records.
    const referenced = new Set<string>();
    for (const table of ['instances', 'study_files']) {
      const lines = (await readFile(tableFile(backupDir, table), 'utf8')).split('\n').filter(Boolean);
      expect(lines).toHaveLength(rows(table));
      for (const line of lines) referenced.add((JSON.parse(line) as { object_key: string }).object_key);
    }
    expect(manifest.objects.map((o) => o.key).sort()).toEqual([...referenced].sort());
    expect(referenced.size).toBeGreaterThanOrEqual(3);
    for (const o of manifest.objects) expect(o.key.endsWith(o.sha256)).toBe(true);
    // The backup is itself audited, after the snapshot.
    const [event] = await source.sql<{ details: Record<string, unknown> }>(
      `SELECT details FROM audit_events WHERE action = 'system.backup'`,
    );
    expect(event!.details).toMatchObject({ objects: manifest.objects.length, snapshotAt: manifest.snapshotAt });
  }, 180_000);

  it('restores into a new database and an empty store; a hub started on it reads everything back', async () => {
    const run = await runScript(build, 'restore', [backupDir], targetEnv(target, targetDataDir));
    expect(run.stderr).toBe('');
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/scrub: clean/);
    expect(run.stdout).toMatch(/restore: done/);

    const db = new pg.Client({ connectionString: target.adminUrl });
    await db.connect();
    try {
      for (const t of manifest.tables) {
        if (t.name.startsWith('audit_')) continue;
        const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${t.name}"`);
        expect({ table: t.name, rows: rows[0]!.n }).toEqual({ table: t.name, rows: t.rows });
      }
      const { rows: restoreEvents } = await db.query(`SELECT 1 FROM audit_events WHERE action = 'system.restore'`);
      expect(restoreEvents).toHaveLength(1);
    } finally {
      await db.end();
    }

    restored = await startHubProcess(build.entry, {
      ...targetEnv(target, targetDataDir),
      HUB_JWT_SECRET: TEST_JWT_SECRET,
      JOBS_ENABLED: 'false',
      LOG_LEVEL: 'error',
    });
    // Tokens issued by the source hub still work: same users, sessions and secret.
    const ct = dicomFixture('ct-small.dcm');
    const wado = await request(restored.url)
      .get(`/dicomweb/studies/${ct.studyInstanceUid}/series/${ct.seriesInstanceUid}/instances/${ct.sopInstanceUid}`)
      .auth(a.tokens.clinic_technician, { type: 'bearer' })
      .buffer(true)
      .parse(collectBytes)
      .expect(200);
    expect((wado.body as Buffer).indexOf(await readFile(ct.path))).toBeGreaterThan(0);

    const report = await request(restored.url)
      .get(`/api/reports/${reportId}`)
      .auth(a.tokens.clinic_doctor, { type: 'bearer' })
      .expect(200);
    const original = await request(source.http)
      .get(`/api/reports/${reportId}`)
      .auth(a.tokens.clinic_doctor, { type: 'bearer' })
      .expect(200);
    expect(report.body).toEqual(original.body);
    expect(report.body.hashVerified).toBe(true);

    const verify = await request(restored.url)
      .get('/api/audit/verify')
      .auth(a.tokens.auditor, { type: 'bearer' })
      .expect(200);
    expect(verify.body).toMatchObject({ valid: true });
    await restored.stop();
    restored = undefined;

    const scrub = await runScript(build, 'scrub', [], targetEnv(target, targetDataDir));
    expect(scrub).toMatchObject({ code: 0 });
    expect(scrub.stdout).toMatch(/problems: 0/);
    expect(scrub.stdout).toMatch(/scrub: clean/);
  }, 180_000);

  it('refuses a target that is not empty, and says why', async () => {
    const run = await runScript(build, 'restore', [backupDir], targetEnv(target, targetDataDir));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/the target is not empty: the database has rows .*the object store holds objects/);
    expect(run.stderr).toMatch(/--force/);
  }, 60_000);

  it('refuses a backup with a changed object, naming it, and writes nothing', async () => {
    const tampered = path.join(await tempDir('hub-backup-tampered-'), 'b');
    await cp(backupDir, tampered, { recursive: true });
    const victim = manifest.objects[0]!;
    const bytes = await readFile(objectFile(tampered, victim.key));
    bytes[bytes.length - 1] ^= 0xff;
    await writeFile(objectFile(tampered, victim.key), bytes);
    const emptyDataDir = await tempDir('hub-restore-refused-');

    const run = await runScript(build, 'restore', [tampered], targetEnv(otherTarget, emptyDataDir));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`object ${victim.key} does not match its SHA-256 in the manifest`);
    expect(run.stderr).toMatch(/damaged or was changed; nothing was restored/);
    const db = new pg.Client({ connectionString: otherTarget.adminUrl });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'public'`);
      expect(rows).toEqual([]);
    } finally {
      await db.end();
    }
    expect(await readdir(emptyDataDir)).toEqual([]);
  }, 60_000);

  it('with --force replaces a target that is not empty', async () => {
    const run = await runScript(build, 'restore', [backupDir, '--force'], targetEnv(target, targetDataDir));
    expect(run.stderr).toBe('');
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/restore: done/);
    const db = new pg.Client({ connectionString: target.adminUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'system.restore'`,
      );
      expect(rows[0]!.n).toBe(1); // the first restore's rows are gone with the schema
    } finally {
      await db.end();
    }
  }, 120_000);

  it('keeps every object while a backup holds its guard: deletions wait for the next sweep', async () => {
    const store = source.app.get<ObjectStore>(OBJECT_STORE);
    const orphan = await store.put(Readable.from([Buffer.from(`unreferenced ${Date.now()}`)]));
    const sweeper = source.app.get(OrphanObjectSweeper);
    const backup = new pg.Client({ connectionString: source.adminUrl });
    await backup.connect();
    try {
      await backup.query(BACKUP_GUARD_TAKE);
      expect((await sweeper.sweep(0)).removed).toBe(0);
      expect(await store.stat(orphan.key)).not.toBeNull();
      await backup.query(BACKUP_GUARD_RELEASE);
    } finally {
      await backup.end();
    }
    expect((await sweeper.sweep(0)).removed).toBeGreaterThanOrEqual(1);
    expect(await store.stat(orphan.key)).toBeNull();
  });
});
