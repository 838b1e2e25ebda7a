import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HubConfig } from '@hub/core';

/**
 * HUB_JWT_SECRET when set (production: from the environment or a secret store). Otherwise one generated on first start
 * and kept in DATA_DIR/secrets (mode 0600), so an embedded hub keeps its sessions across restarts.
 */
export function resolveJwtSecret(config: HubConfig): string {
  if (config.HUB_JWT_SECRET) return config.HUB_JWT_SECRET;
  const file = path.resolve(config.DATA_DIR, 'secrets', 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
