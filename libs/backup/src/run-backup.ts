import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { BACKUP_GUARD_RELEASE, BACKUP_GUARD_TAKE } from '@hub/db';
import type { ObjectStore } from '@hub/storage';
import { BACKUP_FORMAT, type BackupManifest, BackupRefused, MANIFEST_FILE } from './backup-manifest.js';
import { exportDatabase } from './database-export.js';
import { copyObjectOut, eachInParallel } from './object-copy.js';

export interface BackupOptions {
  /** The schema owner's URL (it reads every table and sequence). */
  adminUrl: string;
  store: ObjectStore;
  /** A new or empty folder. */
  dir: string;
  hubVersion: string;
}

/**
 * A consistent backup of a running hub: the index from one database snapshot, then every object that snapshot
 * references (objects are immutable, and none can be deleted while the backup guard is held: see BACKUP_GUARD_LOCK),
 * then manifest.json last, so a folder without one is an unfinished backup. The backup itself is an audit event.
 */
export async function runBackup(options: BackupOptions): Promise<BackupManifest> {
  const { dir, store } = options;
  await mkdir(dir, { recursive: true });
  if ((await readdir(dir)).length > 0)
    throw new BackupRefused(`${dir} is not empty: give each backup a new folder, so no two backups mix`);
  const client = new pg.Client({ connectionString: options.adminUrl, application_name: 'consortium-hub-backup' });
  await client.connect();
  try {
    const createdAt = new Date().toISOString();
    // Waits for object deletions in flight, then keeps new ones off until every referenced object is copied.
    await client.query(BACKUP_GUARD_TAKE);
    let exported;
    try {
      exported = await exportDatabase(client, dir);
      const problems = await eachInParallel(exported.objects, (o) => copyObjectOut(store, dir, o));
      if (problems.length > 0)
        throw new BackupRefused(
          `the object store does not hold what the index records (run npm run scrub for the full list):\n  ` +
            problems.slice(0, 20).join('\n  '),
        );
    } finally {
      await client.query(BACKUP_GUARD_RELEASE);
    }
    const manifest: BackupManifest = { format: BACKUP_FORMAT, hubVersion: options.hubVersion, createdAt, ...exported };
    await writeFile(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 1)}\n`);
    await client.query(
      `INSERT INTO audit_events (actor_roles, action, object_type, outcome, details)
       VALUES ('{}', 'system.backup', 'hub', 'success', $1)`,
      [JSON.stringify(backupSummary(manifest))],
    );
    return manifest;
  } finally {
    await client.end();
  }
}

/** What a backup or restore event records: counts and the schema version, never patient data nor paths. */
export function backupSummary(manifest: BackupManifest): Record<string, unknown> {
  return {
    snapshotAt: manifest.snapshotAt,
    migration: manifest.migrations[manifest.migrations.length - 1],
    hubVersion: manifest.hubVersion,
    tables: manifest.tables.length,
    rows: manifest.tables.reduce((n, t) => n + t.rows, 0),
    objects: manifest.objects.length,
    objectBytes: manifest.objects.reduce((n, o) => n + o.size, 0),
  };
}
