import { mkdir, writeFile } from 'node:fs/promises';
import { expect } from '@jest/globals';
import { figureFileOf, type FigureRecord, RELIABILITY_OUTPUT } from '../reliability/figure-files.js';

/**
 * Records the measured figure of a fault scenario (e.g. "sweeper cleaned 3 orphans in 1.2 s") under the running
 * test's full name. Call it after the scenario's checks: the table takes pass/fail from Jest, the figure from here.
 */
export async function recordFigure(figure: string): Promise<void> {
  const test = expect.getState().currentTestName ?? 'unnamed scenario';
  await mkdir(RELIABILITY_OUTPUT, { recursive: true });
  const record: FigureRecord = { test, figure };
  await writeFile(figureFileOf(test), JSON.stringify(record));
}
