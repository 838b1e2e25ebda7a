import { DataSource } from 'typeorm';
import { type DatabaseUrls, roleOf } from './database-urls.js';
import { buildDataSourceOptions } from './data-source-options.js';

/** Tables the app role may only read and append to; enforced by grants here and by a trigger in the migration. */
const APPEND_ONLY_TABLES = [
  'audit_events',
  'audit_chain',
  'audit_chain_anchors',
  'report_versions',
  'report_addenda',
  'recognition_lookups',
  'recognition_decisions',
  'consultation_events',
];

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Runs pending migrations as the owner, then limits the app role (when it is a different role) to what the hub needs. */
export async function migrateDatabase(urls: DatabaseUrls): Promise<string[]> {
  // One connection, so the session lock below is held by the connection the migrations run on.
  const ds = new DataSource(buildDataSourceOptions(urls.adminUrl, [], 1));
  await ds.initialize();
  try {
    // Replicas and workers started together take turns: the second finds nothing left to apply.
    await ds.query("SELECT pg_advisory_lock(hashtext('hub:migrations'))");
    const applied = await ds.runMigrations({ transaction: 'each' });
    const appRole = roleOf(urls.appUrl);
    if (appRole !== roleOf(urls.adminUrl)) await grantAppRole(ds, appRole);
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy(); // closing the session releases the lock
  }
}

async function grantAppRole(ds: DataSource, role: string): Promise<void> {
  const r = quoteIdent(role);
  await ds.transaction(async (m) => {
    await m.query(`GRANT USAGE ON SCHEMA public TO ${r}`);
    await m.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`);
    await m.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r}`);
    await m.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON migrations FROM ${r}`);
    for (const table of APPEND_ONLY_TABLES) {
      const [{ exists }] = await m.query('SELECT to_regclass($1) IS NOT NULL AS exists', [table]);
      if (exists) await m.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${quoteIdent(table)} FROM ${r}`);
    }
    // Written only by audit_prune (which runs as the owner): an anchor the hub could insert would let it skip links.
    const [{ anchors }] = await m.query("SELECT to_regclass('audit_chain_anchors') IS NOT NULL AS anchors");
    if (anchors) await m.query(`REVOKE INSERT ON audit_chain_anchors FROM ${r}`);
  });
}
