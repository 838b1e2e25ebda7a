import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type HubConfig, loadHubConfig } from '@hub/core';
import { type DatabaseUrls, openDatabase } from '@hub/db';
import { createObjectStore, type ObjectStore, S3ObjectStore } from '@hub/storage';

export interface OperationsContext {
  config: HubConfig;
  urls: DatabaseUrls;
  store: ObjectStore;
  hubVersion: string;
  close(): Promise<void>;
}

/**
 * What npm run backup / restore work on: the hub's own configuration (DATABASE_URL and S3_*, or the embedded database
 * and local objects under DATA_DIR; a running hub's embedded server is reused), without applying migrations.
 */
export async function openOperationsContext(env: NodeJS.ProcessEnv = process.env): Promise<OperationsContext> {
  const config = loadHubConfig(env);
  const store = createObjectStore(config);
  if (store instanceof S3ObjectStore) await store.ensureBucket();
  const { urls, embedded } = await openDatabase(config);
  return { config, urls, store, hubVersion: hubVersion(), close: async () => embedded?.stop() };
}

/** The version in the repository's package.json (the nearest one up from this file, compiled or not). */
function hubVersion(): string {
  let dir = import.meta.dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

/** Exit codes of the operations scripts: 1 when they refused or found a problem, 2 when they could not run. */
export function failed(what: string, err: unknown, refusal: (err: unknown) => boolean): never {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${what}: ${message}\n`);
  process.exit(refusal(err) ? 1 : 2);
}
