/**
 * `npm run test:reliability`: runs the fault scenarios with their long settings, then prints a table of scenario,
 * result (from Jest's --json report, per test) and the figure each recorded (test-output/reliability/*.json, written
 * by recordFigure). Exits non-zero unless every scenario passed.
 *
 * The scenarios: every test file under test/e2e/faults/, plus the scrub, the fuzzing and the MDT replica tests below.
 * Extra arguments are passed to Jest (e.g. `-- -t "reader process"`); `-- --table-only` prints the last run's table
 * again without running anything. MDT_AWAY_SECONDS, when set, overrides the long absences.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { type FigureRecord, RELIABILITY_OUTPUT } from './figure-files.js';

const FAULTS_FOLDER = 'test/e2e/faults';
const ALSO = [
  'test/e2e/operations-scrub.e2e-spec.ts', // a stored object or an audit row altered on disk: found by the scrub
  'test/e2e/dicomweb/stow-fuzz.e2e-spec.ts',
  'libs/studies/src/dicom/parse-dicom-header.fuzz.spec.ts',
  'test/e2e/consultation/mdt-replicas.e2e-spec.ts',
];
/** What `npm test` shortens: MDT clients away for 2 and 10 minutes instead of seconds. */
const LONG_SETTINGS = { MDT_AWAY_SECONDS: '120,600' };
const JEST_REPORT = join(process.cwd(), 'test-output', 'reliability-jest.json');
const TABLE = join(process.cwd(), 'test-output', 'reliability-table.md');

interface JestReport {
  testResults: {
    name: string;
    status: string;
    message: string;
    assertionResults: { fullName: string; ancestorTitles: string[]; title: string; status: string }[];
  }[];
}

async function scenarioFiles(): Promise<string[]> {
  const entries = await readdir(FAULTS_FOLDER, { recursive: true });
  const faults = entries
    .filter((f) => /\.(e2e-spec|int-spec|spec)\.ts$/.test(f))
    .map((f) => join(FAULTS_FOLDER, f))
    .sort();
  return [...faults, ...ALSO];
}

function runJest(files: string[], extraArgs: string[]): Promise<number> {
  const args = [
    '--experimental-vm-modules',
    'node_modules/jest/bin/jest.js',
    '--runTestsByPath',
    ...files,
    '--json',
    `--outputFile=${JEST_REPORT}`,
    ...extraArgs,
  ];
  const child = spawn(process.execPath, args, {
    stdio: 'inherit',
    env: { ...LONG_SETTINGS, ...process.env }, // a setting given by the caller wins
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

async function recordedFigures(): Promise<Map<string, string>> {
  const figures = new Map<string, string>();
  const files = await readdir(RELIABILITY_OUTPUT).catch(() => [] as string[]);
  for (const file of files.filter((f) => f.endsWith('.json'))) {
    const record = JSON.parse(await readFile(join(RELIABILITY_OUTPUT, file), 'utf8')) as FigureRecord;
    figures.set(record.test, record.figure);
  }
  return figures;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/** The table in the order of `files`; a skipped scenario counts against the run like a failed one. */
function table(report: JestReport, files: string[], figures: Map<string, string>): { text: string } & Counts {
  const rows = ['| Scenario | Result | Figure |', '| --- | --- | --- |'];
  const counts: Counts = { passed: 0, failed: 0, skipped: 0 };
  const order = (suite: { name: string }) => files.indexOf(relative(process.cwd(), suite.name));
  for (const suite of [...report.testResults].sort((x, y) => order(x) - order(y))) {
    const file = relative(process.cwd(), suite.name);
    // A file can fail outside its tests: it did not compile, or an error nobody handled (an 'error' event, a
    // rejection) surfaced while it ran. Jest then fails the file even when each of its tests passed.
    const failedOutside = suite.status === 'failed' && suite.assertionResults.every((test) => test.status !== 'failed');
    if (failedOutside) {
      counts.failed++;
      const why = suite.message
        .split('\n')
        .map((line) => line.replace(/●/g, '').trim())
        .filter((line) => line && line !== 'Test suite failed to run');
      rows.push(`| ${cell(file)} (outside its tests) | fail | ${cell(why[0] ?? suite.status)} |`);
    }
    for (const test of suite.assertionResults) {
      const result = test.status === 'passed' ? 'pass' : test.status === 'failed' ? 'fail' : 'skipped';
      counts[result === 'pass' ? 'passed' : result === 'fail' ? 'failed' : 'skipped']++;
      const scenario = [...test.ancestorTitles, test.title].join(' › ');
      rows.push(`| ${cell(scenario)} | ${result} | ${cell(figures.get(test.fullName) ?? '—')} |`);
    }
  }
  return { text: rows.join('\n'), ...counts };
}

async function main(): Promise<void> {
  const files = await scenarioFiles();
  // --table-only prints the table of the last run again, without running anything.
  const tableOnly = process.argv.includes('--table-only');
  const started = Date.now();
  let exitCode = 0;
  if (!tableOnly) {
    await rm(RELIABILITY_OUTPUT, { recursive: true, force: true });
    await rm(JEST_REPORT, { force: true });
    await mkdir(RELIABILITY_OUTPUT, { recursive: true });
    exitCode = await runJest(files, process.argv.slice(2));
  }

  const report = JSON.parse(await readFile(JEST_REPORT, 'utf8').catch(() => '{"testResults":[]}')) as JestReport;
  const { text, passed, failed, skipped } = table(report, files, await recordedFigures());
  const minutes = tableOnly ? '' : `, in ${((Date.now() - started) / 60_000).toFixed(1)} min`;
  const summary = `${passed} passed, ${failed} failed, ${skipped} skipped${minutes} (${Object.entries(LONG_SETTINGS)
    .map(([k, v]) => `${k}=${process.env[k] ?? v}`)
    .join(' ')})`;
  await writeFile(TABLE, `${text}\n\n${summary}\n`);
  process.stdout.write(
    `\nReliability scenarios\n\n${text}\n\n${summary}\n(also in ${relative(process.cwd(), TABLE)})\n`,
  );
  if (failed > 0 || skipped > 0 || passed === 0 || exitCode !== 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
