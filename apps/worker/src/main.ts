import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ConfigValidationError, loadHubConfig } from '@hub/core';
import { WorkerModule } from './worker.module.js';

/**
 * `npm run start:worker`: the hub's background jobs in a process of their own, for a deployment whose hub replicas run
 * with JOBS_ENABLED=false. It needs the hub's database (DATABASE_URL: an embedded PostgreSQL belongs to the one hub
 * that started it) and the same object store.
 */
async function main(): Promise<void> {
  const env = { ...process.env, JOBS_ENABLED: 'true' };
  const config = loadHubConfig(env);
  if (!config.DATABASE_URL)
    throw new ConfigValidationError(['DATABASE_URL: the worker needs the hub’s PostgreSQL server (set DATABASE_URL)']);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(env), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  process.stdout.write('Consortium hub worker running background jobs\n');
}

main().catch((err: unknown) => {
  if (err instanceof ConfigValidationError) process.stderr.write(`${err.message}\n`);
  else
    process.stderr.write(
      `The worker could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  process.exit(1);
});
