import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const WEB_DIR = path.resolve('apps/web/dist');

/** `npm test` builds the console first; a suite run on its own builds it when there is no build yet. */
export function ensureWebBuild(): void {
  if (existsSync(path.join(WEB_DIR, 'index.html'))) return;
  execFileSync(
    process.execPath,
    [path.resolve('node_modules/vite/bin/vite.js'), 'build', 'apps/web', '--logLevel', 'warn'],
    {
      stdio: 'inherit',
    },
  );
}
