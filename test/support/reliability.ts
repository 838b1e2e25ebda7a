import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from '@jest/globals';

/** Where each scenario's figure lands for `npm run test:reliability`'s table. */
export const RELIABILITY_OUTPUT = join(process.cwd(), 'test-output', 'reliability');

/**
 * Records the measured figure of a fault scenario (e.g. "sweeper cleaned 3 orphans in 1.2 s") under the running
 * test's full name. Call it after the scenario's checks: the table takes pass/fail from Jest, the figure from here.
 */
export async function recordFigure(figure: string): Promise<void> {
  const test = expect.getState().currentTestName ?? 'unnamed scenario';
  await mkdir(RELIABILITY_OUTPUT, { recursive: true });
  const file = test.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 120);
  await writeFile(join(RELIABILITY_OUTPUT, `${file}.json`), JSON.stringify({ test, figure }));
}
