import path from 'node:path';
import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import { DataSource } from 'typeorm';
import type { HubConfig } from '@hub/core';
import { type DatabaseUrls, redactUrl } from './database-urls.js';
import { EmbeddedPostgresServer } from './embedded-postgres.server.js';
import { migrateDatabase } from './migrate-database.js';

/**
 * The hub's database as configured, without touching its schema: DATABASE_URL (and DATABASE_ADMIN_URL, else the same),
 * or the embedded server under DATA_DIR/pg, started here unless a running hub already serves it.
 */
export async function openDatabase(
  config: Pick<
    HubConfig,
    'DATABASE_URL' | 'DATABASE_ADMIN_URL' | 'DATA_DIR' | 'EMBEDDED_PG_PORT' | 'EMBEDDED_PG_SHARED_BUFFERS_MB'
  >,
): Promise<{ urls: DatabaseUrls; embedded?: EmbeddedPostgresServer }> {
  if (config.DATABASE_URL)
    return { urls: { appUrl: config.DATABASE_URL, adminUrl: config.DATABASE_ADMIN_URL ?? config.DATABASE_URL } };
  const embedded = new EmbeddedPostgresServer({
    dataDir: path.resolve(config.DATA_DIR),
    port: config.EMBEDDED_PG_PORT,
    sharedBuffersMb: config.EMBEDDED_PG_SHARED_BUFFERS_MB,
  });
  return { urls: await embedded.start(), embedded };
}

/**
 * Resolves where the database is (DATABASE_URL, or embedded PostgreSQL under DATA_DIR/pg), brings its schema up to
 * date, and stops the embedded server after the data source has closed on shutdown.
 */
export class DatabaseRuntime implements OnApplicationShutdown {
  private static readonly logger = new Logger('Database');

  private constructor(
    readonly urls: DatabaseUrls,
    private readonly embedded: EmbeddedPostgresServer | undefined,
    private readonly moduleRef?: ModuleRef,
  ) {}

  static async start(config: HubConfig, moduleRef?: ModuleRef): Promise<DatabaseRuntime> {
    const { urls, embedded } = await openDatabase(config);
    if (embedded)
      DatabaseRuntime.logger.log(`embedded PostgreSQL ready at ${redactUrl(urls.appUrl)} (${embedded.clusterDir})`);
    try {
      const applied = await migrateDatabase(urls);
      if (applied.length > 0) DatabaseRuntime.logger.log(`applied migrations: ${applied.join(', ')}`);
    } catch (err) {
      await embedded?.stop();
      throw err;
    }
    return new DatabaseRuntime(urls, embedded, moduleRef);
  }

  /**
   * Nest gives no order between this hook and the TypeORM module's, so the pool is closed here first (the TypeORM
   * module skips a data source that is no longer initialised); only then may the embedded server stop.
   */
  async onApplicationShutdown(): Promise<void> {
    if (!this.embedded) return;
    const dataSource = this.moduleRef?.get(DataSource, { strict: false });
    if (dataSource?.isInitialized) await dataSource.destroy();
    await this.embedded.stop();
  }
}
