import path from 'node:path';
import { z } from 'zod';
import { isObjectKey } from '@hub/storage';

export const BACKUP_FORMAT = 1;
export const MANIFEST_FILE = 'manifest.json';
export const TABLES_DIR = 'tables';
export const OBJECTS_DIR = 'objects';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in hex');
const tableName = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a plain table name');

const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  hubVersion: z.string(),
  /** Applied migrations of the backed-up database, in order; the last is its schema version. */
  migrations: z.array(z.string()).min(1),
  createdAt: z.iso.datetime({ offset: true }),
  /** The database's clock when the snapshot was taken: everything in the backup is the state at that instant. */
  snapshotAt: z.iso.datetime({ offset: true }),
  tables: z.array(z.object({ name: tableName, rows: z.number().int().min(0), sha256, bytes: z.number().int().min(0) })),
  sequences: z.array(
    z.object({
      name: tableName,
      value: z
        .string()
        .regex(/^-?\d+$/)
        .nullable(),
    }),
  ),
  /** Every object the dumped index references, with the size and SHA-256 the index records for it. */
  objects: z.array(
    z.object({ key: z.string().refine(isObjectKey, 'must be an object key'), size: z.number().int().min(0), sha256 }),
  ),
});

export type BackupManifest = z.infer<typeof manifestSchema>;
export type TableEntry = BackupManifest['tables'][number];
export type ObjectEntry = BackupManifest['objects'][number];

export class BackupRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupRefused';
  }
}

/** The manifest as written by a backup, or a refusal naming what is wrong with it. */
export function parseManifest(text: string): BackupManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BackupRefused(`${MANIFEST_FILE} is not JSON: not a backup made by npm run backup, or damaged`);
  }
  const result = manifestSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new BackupRefused(`${MANIFEST_FILE} is not a valid backup manifest:\n  ${problems.join('\n  ')}`);
  }
  for (const o of result.data.objects) {
    if (o.key.slice(-64) !== o.sha256)
      throw new BackupRefused(`${MANIFEST_FILE}: object ${o.key} is listed with a SHA-256 that is not its address`);
  }
  return result.data;
}

/** Where a table's rows (JSON lines) and an object's bytes lie in a backup folder. Keys are validated addresses. */
export const tableFile = (dir: string, table: string) => path.join(dir, TABLES_DIR, `${table}.jsonl`);
export const objectFile = (dir: string, key: string) => {
  if (!isObjectKey(key)) throw new BackupRefused(`not an object key: ${String(key).slice(0, 100)}`);
  return path.join(dir, OBJECTS_DIR, ...key.split('/'));
};

export interface FileDigest {
  sha256: string;
  size: number;
}

/** What is wrong with a file of the backup (null when it is as the manifest says; `actual` null: it is missing). */
export function fileProblem(what: string, expected: FileDigest, actual: FileDigest | null): string | null {
  if (!actual) return `${what} is missing`;
  if (actual.size !== expected.size)
    return `${what} has ${actual.size} bytes, the manifest says ${expected.size}: changed or truncated`;
  if (actual.sha256 !== expected.sha256)
    return `${what} does not match its SHA-256 in the manifest (${actual.sha256} instead of ${expected.sha256}): changed`;
  return null;
}

/**
 * How many of this hub's migrations the target must be brought to before the rows are loaded: the backup's schema
 * version, which must be one this hub knows (its migrations a prefix of ours). A newer hub restores an older backup
 * and then applies its remaining migrations to the restored rows; an older hub cannot restore a newer backup.
 */
export function migrationsToLoadAt(backup: readonly string[], ours: readonly string[]): number {
  const known = backup.every((name, i) => ours[i] === name);
  if (!known || backup.length > ours.length) {
    const last = backup[backup.length - 1];
    throw new BackupRefused(
      `the backup's schema (migration ${last}) is not one this hub version knows: restore it with the hub version ` +
        'that made it (or a newer one), then upgrade',
    );
  }
  return backup.length;
}

/**
 * Tables in an order that loads every row after the rows it references: `references` maps a table to the tables its
 * foreign keys point to. A table pointing to itself is not ordered within itself (no table of the hub does; its rows
 * would load in dump order).
 */
export function loadOrder(tables: readonly string[], references: ReadonlyMap<string, readonly string[]>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (table: string, via: string[]) => {
    if (state.get(table) === 'done') return;
    if (state.get(table) === 'visiting')
      throw new BackupRefused(`foreign keys form a cycle (${[...via, table].join(' -> ')}): cannot order the load`);
    state.set(table, 'visiting');
    for (const target of references.get(table) ?? []) if (target !== table) visit(target, [...via, table]);
    state.set(table, 'done');
    order.push(table);
  };
  for (const table of [...tables].sort()) visit(table, []);
  return order.filter((t) => tables.includes(t));
}
