/**
 * npm run scrub: checks what the hub stored against what it recorded, and exits 1 if anything is wrong.
 * - Every object an index row points to is read back from the object store and hashed (SHA-256 and size).
 * - The audit trail's hash chain is recomputed (as GET /api/audit/verify does).
 * Uses the hub's configuration (DATABASE_URL, or the embedded database under DATA_DIR; S3_* or local objects).
 * Prints object keys only, never patient data. Safe while the hub runs: it reads (and seals pending audit events);
 * like any hub process at start, it first applies pending migrations. In the Docker image: node dist/scripts/scrub.js.
 */
import 'reflect-metadata';
import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuditModule, AuditRepository } from '@hub/audit';
import { HubConfigModule } from '@hub/core';
import { DbModule } from '@hub/db';
import { StorageModule } from '@hub/storage';
import { ObjectScrubber } from '@hub/studies';
import { formatScrubReport } from './scrub-report.js';

@Module({})
class ScrubModule {
  static forRoot(env: NodeJS.ProcessEnv): DynamicModule {
    return {
      module: ScrubModule,
      imports: [
        HubConfigModule.forRoot(env),
        DbModule.forRoot(),
        { ...StorageModule.forRoot(), global: true },
        AuditModule,
      ],
      providers: [ObjectScrubber, AuditRepository],
    };
  }
}

async function main(): Promise<void> {
  const env = { ...process.env, JOBS_ENABLED: 'false' };
  const app = await NestFactory.createApplicationContext(ScrubModule.forRoot(env), { logger: ['error', 'warn'] });
  try {
    const objects = await app.get(ObjectScrubber).scrub();
    const audit = await app.get(AuditRepository).verifyChain();
    const { text, clean } = formatScrubReport(objects, audit);
    process.stdout.write(text);
    process.exitCode = clean ? 0 : 1;
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`The scrub could not run: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
