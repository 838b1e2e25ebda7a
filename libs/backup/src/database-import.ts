import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type pg from 'pg';
import { type BackupManifest, BackupRefused, loadOrder, tableFile } from './backup-manifest.js';
import { hubTables, quoteIdent } from './database-export.js';

const INSERT_ROWS = 1000;

/** Rows in any table of the public schema but the migrations table: a target with any is not empty. */
export async function tablesWithRows(client: pg.Client): Promise<string[]> {
  const withRows: string[] = [];
  for (const name of await hubTables(client)) {
    const { rowCount } = await client.query(`SELECT 1 FROM ${quoteIdent(name)} LIMIT 1`);
    if (rowCount) withRows.push(name);
  }
  return withRows;
}

/**
 * Loads the backup's rows into a database whose schema is at the backup's migration, in one transaction (a failure
 * leaves the target as it was): tables in foreign-key order, each with its own triggers off while it loads (the
 * append-only and numbering triggers of the audit trail would refuse or renumber restored rows; the foreign keys stay
 * checked), then the sequences where the backup had them. Run as the schema owner.
 */
export async function importDatabase(
  client: pg.Client,
  dir: string,
  manifest: BackupManifest,
  finish: (client: pg.Client) => Promise<void> = async () => undefined,
): Promise<void> {
  await client.query('BEGIN');
  try {
    const target = new Set(
      (
        await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`)
      ).rows.map((r) => r.name),
    );
    const missing = manifest.tables.filter((t) => !target.has(t.name)).map((t) => t.name);
    if (missing.length > 0)
      throw new BackupRefused(
        `the target schema has no table ${missing.join(', ')}: it is not at the backup's migration`,
      );
    const references = new Map<string, string[]>();
    for (const r of (
      await client.query<{ source: string; target: string }>(
        `SELECT src.relname AS source, dst.relname AS target
           FROM pg_constraint c JOIN pg_class src ON src.oid = c.conrelid JOIN pg_class dst ON dst.oid = c.confrelid
           JOIN pg_namespace n ON n.oid = src.relnamespace
          WHERE c.contype = 'f' AND n.nspname = 'public'`,
      )
    ).rows)
      references.set(r.source, [...(references.get(r.source) ?? []), r.target]);
    for (const name of loadOrder(
      manifest.tables.map((t) => t.name),
      references,
    ))
      await loadTable(client, dir, name);
    for (const s of manifest.sequences) {
      if (s.value === null) continue; // never used: the fresh sequence is already where it was
      await client.query('SELECT setval($1::regclass, $2::bigint, true)', [quoteIdent(s.name), s.value]);
    }
    await finish(client);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

async function loadTable(client: pg.Client, dir: string, name: string): Promise<void> {
  const table = quoteIdent(name);
  const columns = (
    await client.query<{ name: string }>(
      `SELECT column_name AS name FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`,
      [name],
    )
  ).rows
    .map((r) => quoteIdent(r.name))
    .join(', ');
  const insert = `INSERT INTO ${table} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${table}, $1::json)`;
  await client.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
  let batch: string[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await client.query(insert, [`[${batch.join(',')}]`]);
    batch = [];
  };
  const lines = createInterface({ input: createReadStream(tableFile(dir, name)), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    batch.push(line);
    if (batch.length >= INSERT_ROWS) await flush();
  }
  await flush();
  await client.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
}
