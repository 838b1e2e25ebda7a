/**
 * npm run restore -- <dir> [--force]: restores a backup made by npm run backup into the database and object store of
 * the hub's configuration, which must be empty (a new database, an empty bucket or DATA_DIR) unless --force, which
 * replaces the target's tables. Every file is checked against the manifest first: a changed backup is refused and
 * nothing is written. Afterwards the restored index is read back as npm run scrub does (objects and audit chain).
 * Stop the hub first. See docs/operations.md. In the Docker image: node dist/scripts/restore.js.
 */
import { BackupRefused, runRestore } from '@hub/backup';
import { formatScrubReport } from './scrub-report.js';
import { failed, openOperationsContext } from './operations-context.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--'));
  const unknown = args.filter((a) => a.startsWith('--') && a !== '--force');
  if (!dir || unknown.length > 0) throw new BackupRefused('usage: npm run restore -- <backup folder> [--force]');
  const ctx = await openOperationsContext();
  try {
    const report = await runRestore({ urls: ctx.urls, store: ctx.store, dir, force: args.includes('--force') });
    const m = report.manifest;
    const lines = [
      `restored the backup of hub ${m.hubVersion} (migration ${m.migrations.at(-1)}) as at ${m.snapshotAt}`,
      ...report.countMismatches.map((c) => `  ROW COUNT  ${c}`),
    ];
    const { text, clean } = formatScrubReport(report.objects, report.audit);
    const ok = clean && report.countMismatches.length === 0;
    process.stdout.write(`${lines.join('\n')}\n${text}${ok ? 'restore: done' : 'restore: PROBLEMS FOUND'}\n`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await ctx.close();
  }
}

main().catch((err: unknown) => failed('The restore failed', err, (e) => e instanceof BackupRefused));
