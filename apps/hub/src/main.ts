import 'reflect-metadata';
import { ConfigValidationError, loadHubConfig } from '@hub/core';
import { createHubApp } from './create-hub-app.js';

async function main(): Promise<void> {
  const config = loadHubConfig();
  const app = await createHubApp();
  await app.listen(config.PORT, config.HOST);
  const shown = config.HOST === '0.0.0.0' ? 'localhost' : config.HOST;
  process.stdout.write(`Consortium hub listening on http://${shown}:${config.PORT} (API docs at /docs)\n`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigValidationError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(
      `The hub could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  }
  process.exit(1);
});
