import { join } from 'node:path';

/** Where each scenario's figure lands for `npm run test:reliability`'s table (one JSON file per test). */
export const RELIABILITY_OUTPUT = join(process.cwd(), 'test-output', 'reliability');

/** What a figure file holds: the test's full name as Jest reports it, and the measured figure. */
export interface FigureRecord {
  test: string;
  figure: string;
}

/** The figure file of a test, named after it. */
export function figureFileOf(testName: string): string {
  return join(RELIABILITY_OUTPUT, `${testName.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 120)}.json`);
}
