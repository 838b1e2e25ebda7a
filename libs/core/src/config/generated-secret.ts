import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A secret the embedded default generates on first start and keeps in DATA_DIR/secrets/<name> (mode 0600), so it
 * survives restarts. Production sets the matching environment variable instead; callers prefer that when present.
 */
export function readOrCreateGeneratedSecret(dataDir: string, name: string): string {
  const file = path.resolve(dataDir, 'secrets', name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}
