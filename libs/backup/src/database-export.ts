import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import type { BackupManifest, ObjectEntry, TableEntry } from './backup-manifest.js';
import { tableFile } from './backup-manifest.js';

const FETCH_ROWS = 1000;

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** The hub's tables (the public schema) that a backup holds: all but the migrations table, by name. */
export async function hubTables(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations'
      ORDER BY tablename`,
  );
  return rows.map((r) => r.name);
}

/** Every object the index references, once, with what the index records for it (as the scrub reads them). */
const REFERENCED_OBJECTS = `
  SELECT object_key AS key, min(sha256) AS sha256, min(size)::bigint AS size
    FROM (SELECT object_key, sha256, size FROM instances
          UNION ALL SELECT object_key, sha256, size FROM study_files) AS referenced
   GROUP BY object_key
   ORDER BY object_key`;

export type DatabaseExport = Pick<BackupManifest, 'migrations' | 'snapshotAt' | 'tables' | 'sequences' | 'objects'>;

/**
 * Writes every table of the public schema as JSON lines (row_to_json: each value exactly as PostgreSQL prints it, so it
 * reads back to the same value), all from one REPEATABLE READ snapshot, and lists the objects that snapshot references.
 * The pg-boss schema (job bookkeeping) and the migrations table (the restore brings the schema) are left out.
 * The caller holds the client; it must not be inside a transaction.
 */
export async function exportDatabase(client: pg.Client, dir: string): Promise<DatabaseExport> {
  await mkdir(path.join(dir, 'tables'), { recursive: true });
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    // The first query takes the snapshot: every later read in this transaction sees the database as at this instant.
    const [{ snapshot_at }] = (await client.query<{ snapshot_at: Date }>('SELECT clock_timestamp() AS snapshot_at'))
      .rows;
    const migrations = (await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id')).rows.map(
      (r) => r.name,
    );
    const tables: TableEntry[] = [];
    for (const name of await hubTables(client)) tables.push(await exportTable(client, dir, name));
    // Sequences are outside snapshots; read after it, each is at least as far as any id in the snapshot.
    const sequences = (
      await client.query<{ name: string; value: string | null }>(
        `SELECT sequencename AS name, last_value::text AS value FROM pg_sequences WHERE schemaname = 'public'
          ORDER BY sequencename`,
      )
    ).rows;
    const objects: ObjectEntry[] = (
      await client.query<{ key: string; sha256: string; size: string }>(REFERENCED_OBJECTS)
    ).rows.map((r) => ({ key: r.key, sha256: r.sha256, size: Number(r.size) }));
    await client.query('COMMIT');
    return { migrations, snapshotAt: snapshot_at.toISOString(), tables, sequences, objects };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

async function exportTable(client: pg.Client, dir: string, name: string): Promise<TableEntry> {
  const out = createWriteStream(tableFile(dir, name));
  const hash = createHash('sha256');
  let rows = 0;
  let bytes = 0;
  const write = (text: string) => {
    const buf = Buffer.from(text, 'utf8');
    hash.update(buf);
    bytes += buf.length;
    return out.write(buf) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', resolve));
  };
  await client.query(
    `DECLARE backup_rows NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS j FROM ${quoteIdent(name)} t`,
  );
  for (;;) {
    const batch = await client.query<{ j: string }>(`FETCH ${FETCH_ROWS} FROM backup_rows`);
    for (const row of batch.rows) await write(`${row.j}\n`);
    rows += batch.rows.length;
    if (batch.rows.length < FETCH_ROWS) break;
  }
  await client.query('CLOSE backup_rows');
  out.end();
  await finished(out);
  return { name, rows, sha256: hash.digest('hex'), bytes };
}
