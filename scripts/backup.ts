/**
 * npm run backup -- <dir>: a consistent backup of the hub into a new folder <dir>: every table of the index from one
 * database snapshot (JSON lines), every object that snapshot references (checked against the SHA-256 the index
 * records), and manifest.json (hub version, migration, time, counts, each file's size and SHA-256). Safe while the hub
 * runs and keeps writing. Uses the hub's configuration (DATABASE_URL/DATABASE_ADMIN_URL, or the embedded database
 * under DATA_DIR; S3_* or local objects). See docs/operations.md. In the Docker image: node dist/scripts/backup.js.
 */
import { BackupRefused, runBackup } from '@hub/backup';
import { failed, openOperationsContext } from './operations-context.js';

async function main(): Promise<void> {
  const dir = process.argv.slice(2).find((a) => !a.startsWith('--'));
  if (!dir) throw new BackupRefused('usage: npm run backup -- <new folder>');
  const ctx = await openOperationsContext();
  try {
    const m = await runBackup({ adminUrl: ctx.urls.adminUrl, store: ctx.store, dir, hubVersion: ctx.hubVersion });
    const rows = m.tables.reduce((n, t) => n + t.rows, 0);
    const bytes = m.objects.reduce((n, o) => n + o.size, 0);
    process.stdout.write(
      `backup of hub ${m.hubVersion} (migration ${m.migrations.at(-1)}) as at ${m.snapshotAt}\n` +
        `  ${m.tables.length} tables, ${rows} rows; ${m.objects.length} objects, ${bytes} bytes\n` +
        `backup: done, in ${dir}\n`,
    );
  } finally {
    await ctx.close();
  }
}

main().catch((err: unknown) => failed('The backup failed', err, (e) => e instanceof BackupRefused));
