import { rm } from 'node:fs/promises';

export default async function globalTeardown(): Promise<void> {
  const pg = globalThis.__hubTestPostgres;
  if (!pg) return;
  await pg.server.stop();
  await rm(pg.dir, { recursive: true, force: true });
}
