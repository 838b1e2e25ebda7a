import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { AuditRepository, type ChainVerification } from '@hub/audit';
import { buildDataSourceOptions, type DatabaseUrls, migrateDatabase } from '@hub/db';
import type { ObjectStore } from '@hub/storage';
import { ObjectScrubber, type ScrubReport } from '@hub/studies';
import {
  type BackupManifest,
  BackupRefused,
  fileProblem,
  MANIFEST_FILE,
  migrationsToLoadAt,
  objectFile,
  parseManifest,
  tableFile,
} from './backup-manifest.js';
import { importDatabase, tablesWithRows } from './database-import.js';
import { digestFile } from './file-digest.js';
import { copyObjectIn, eachInParallel } from './object-copy.js';
import { backupSummary } from './run-backup.js';

export interface RestoreOptions {
  urls: DatabaseUrls;
  store: ObjectStore;
  dir: string;
  /** Replace a target that is not empty: its public schema is dropped, its objects are left to the orphan sweep. */
  force: boolean;
}

export interface RestoreReport {
  manifest: BackupManifest;
  /** Tables whose row count after the restore differs from the backup's (the audit tables grow by the restore event). */
  countMismatches: string[];
  objects: ScrubReport;
  audit: ChainVerification;
}

/** The tables a restore itself writes to (its audit event, sealed into the chain). */
const AUDIT_TABLES = new Set(['audit_events', 'audit_chain', 'audit_unsealed']);

/** Every file of the backup against the manifest; resolves to the manifest, or refuses with every problem found. */
export async function verifyBackup(dir: string): Promise<BackupManifest> {
  let text: string;
  try {
    text = await readFile(path.join(dir, MANIFEST_FILE), 'utf8');
  } catch {
    throw new BackupRefused(`no ${MANIFEST_FILE} in ${dir}: not a backup, or one that did not finish`);
  }
  const manifest = parseManifest(text);
  const problems = [
    ...(await eachInParallel(manifest.tables, async (t) =>
      fileProblem(`table ${t.name}`, { sha256: t.sha256, size: t.bytes }, await digestFile(tableFile(dir, t.name))),
    )),
    ...(await eachInParallel(manifest.objects, async (o) =>
      fileProblem(`object ${o.key}`, o, await digestFile(objectFile(dir, o.key))),
    )),
  ];
  if (problems.length > 0)
    throw new BackupRefused(
      `the backup in ${dir} is damaged or was changed; nothing was restored:\n  ${problems.slice(0, 20).join('\n  ')}` +
        (problems.length > 20 ? `\n  … and ${problems.length - 20} more` : ''),
    );
  return manifest;
}

/**
 * Restores a backup into an empty database and an empty object store: verifies every file first (a damaged backup
 * changes nothing), brings the schema to the backup's migration, puts the objects (before the rows that reference
 * them), loads every row in one transaction with a 'system.restore' audit event, applies this hub's later migrations,
 * then reads everything back as the scrub does.
 */
export async function runRestore(options: RestoreOptions): Promise<RestoreReport> {
  const { dir, store, urls } = options;
  const manifest = await verifyBackup(dir);
  const ours = ourMigrations();
  const level = migrationsToLoadAt(manifest.migrations, ours);

  const client = new pg.Client({ connectionString: urls.adminUrl, application_name: 'consortium-hub-restore' });
  await client.connect();
  try {
    await prepareTarget(client, store, manifest, options.force);
    await migrateTo(urls.adminUrl, level);
    const problems = await eachInParallel(manifest.objects, (o) => copyObjectIn(store, dir, o));
    if (problems.length > 0) throw new BackupRefused(`objects could not be restored:\n  ${problems.join('\n  ')}`);
    await importDatabase(client, dir, manifest, (c) =>
      c
        .query(
          `INSERT INTO audit_events (actor_roles, action, object_type, outcome, details)
           VALUES ('{}', 'system.restore', 'hub', 'success', $1)`,
          [JSON.stringify({ ...backupSummary(manifest), backupCreatedAt: manifest.createdAt })],
        )
        .then(() => undefined),
    );
  } finally {
    await client.end();
  }
  await migrateDatabase(urls);
  return { manifest, ...(await checkRestored(urls.appUrl, store, manifest)) };
}

function ourMigrations(): string[] {
  const list = (buildDataSourceOptions('postgres://unused').migrations ?? []) as (new () => { name?: string })[];
  return list.map((M) => new M().name ?? M.name);
}

async function prepareTarget(
  client: pg.Client,
  store: ObjectStore,
  manifest: BackupManifest,
  force: boolean,
): Promise<void> {
  const [{ has_migrations }] = (
    await client.query<{ has_migrations: boolean }>(
      `SELECT to_regclass('public.migrations') IS NOT NULL AS has_migrations`,
    )
  ).rows;
  const applied = has_migrations
    ? (await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id')).rows.map((r) => r.name)
    : [];
  const withRows = await tablesWithRows(client);
  const storeHasObjects = await firstKey(store);
  const ahead = applied.some((name, i) => manifest.migrations[i] !== name);
  const reasons = [
    ...(withRows.length > 0 ? [`the database has rows (in ${withRows.slice(0, 5).join(', ')})`] : []),
    ...(ahead ? [`the database's schema is not on the backup's line (it has migration ${applied.at(-1)})`] : []),
    ...(storeHasObjects ? ['the object store holds objects'] : []),
  ];
  if (reasons.length === 0) return;
  if (!force)
    throw new BackupRefused(
      `the target is not empty: ${reasons.join('; ')}. A restore merged into another hub's data would mix two ` +
        'histories (clashing ids, two audit chains that cannot both verify). Restore into a new database and an empty ' +
        'object store, or pass --force to replace this target (its tables are dropped).',
    );
  // Replacing: a fresh schema; objects already in the store are either the backup's (same key, same bytes) or are
  // referenced by nothing once the rows are replaced, and the orphan sweep removes them after its grace period.
  await client.query('DROP SCHEMA public CASCADE');
  await client.query('CREATE SCHEMA public');
}

async function firstKey(store: ObjectStore): Promise<boolean> {
  for await (const key of store.listKeys()) {
    void key;
    return true;
  }
  return false;
}

/** Applies this hub's migrations up to (and including) the `level`-th, as the schema owner. */
async function migrateTo(adminUrl: string, level: number): Promise<void> {
  const options = buildDataSourceOptions(adminUrl, [], 1);
  const all = (options.migrations ?? []) as unknown[];
  const ds = new DataSource({ ...options, migrations: all.slice(0, level) } as typeof options);
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}

/** Reads the restored hub back as the hub role: row counts, every object against the index, the audit chain. */
async function checkRestored(
  appUrl: string,
  store: ObjectStore,
  manifest: BackupManifest,
): Promise<Omit<RestoreReport, 'manifest'>> {
  const ds = await new DataSource(buildDataSourceOptions(appUrl, [], 2)).initialize();
  try {
    const countMismatches: string[] = [];
    for (const t of manifest.tables) {
      if (AUDIT_TABLES.has(t.name)) continue;
      const [{ n }]: { n: number }[] = await ds.query(`SELECT count(*)::int AS n FROM "${t.name}"`);
      if (n !== t.rows) countMismatches.push(`${t.name}: ${n} rows, the backup has ${t.rows}`);
    }
    const objects = await new ObjectScrubber(ds, store).scrub();
    const audit = await new AuditRepository(ds).verifyChain();
    return { countMismatches, objects, audit };
  } finally {
    await ds.destroy();
  }
}
