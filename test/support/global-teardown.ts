import { rm } from 'node:fs/promises';

export default async function globalTeardown(): Promise<void> {
  if (process.env.HUB_TEST_BUILD_DIR) await rm(process.env.HUB_TEST_BUILD_DIR, { recursive: true, force: true });
  const pg = globalThis.__hubTestPostgres;
  if (!pg) return;
  await pg.server.stop();
  await rm(pg.dir, { recursive: true, force: true });
}
