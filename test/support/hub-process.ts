import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './global-setup.js';

const run = promisify(execFile);
/** The repository: the nearest folder up with a package.json (this file also runs compiled, from dist-bench/). */
const REPO = (() => {
  let dir = import.meta.dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();
const READY_LINE = /Consortium hub listening on /;
const WORKER_READY_LINE = /Consortium hub worker running background jobs/;
const START_TIMEOUT_MS = 60_000;

export interface HubBuild {
  /** The compiled apps/hub/src/main.js. */
  entry: string;
  /** The compiled apps/worker/src/main.js. */
  workerEntry: string;
  remove(): Promise<void>;
}

/**
 * Compiles the hub as `npm run build` does, into a folder of its own inside the repository (so its imports resolve
 * from the repository's node_modules) that nothing else writes: a test's build never clobbers a developer's dist/.
 * Within a Jest run (HUB_TEST_BUILD_DIR, set by the global setup) the suites share one build: the first to ask
 * compiles, the others wait for it, and the global teardown removes it.
 */
export async function buildHub(): Promise<HubBuild> {
  const shared = process.env.HUB_TEST_BUILD_DIR;
  if (shared) return sharedBuild(shared);
  await mkdir(path.join(REPO, '.tmp'), { recursive: true });
  const outDir = await mkdtemp(path.join(REPO, '.tmp', 'hub-build-'));
  await compileHub(outDir);
  return { ...entriesIn(outDir), remove: () => rm(outDir, { recursive: true, force: true }) };
}

const SHARED_BUILD_TIMEOUT_MS = 5 * 60_000;

async function sharedBuild(outDir: string): Promise<HubBuild> {
  const built = path.join(outDir, '.built');
  const failed = path.join(outDir, '.failed');
  await mkdir(path.dirname(outDir), { recursive: true });
  const mine = await mkdir(outDir, { recursive: false }).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'EEXIST') return false;
      throw err;
    },
  );
  if (mine) {
    try {
      await compileHub(outDir);
      await writeFile(built, '');
    } catch (err) {
      await writeFile(failed, String(err));
      throw err;
    }
  } else {
    for (const deadline = Date.now() + SHARED_BUILD_TIMEOUT_MS; !existsSync(built);) {
      if (existsSync(failed)) throw new Error(`the shared hub build failed: ${await readFile(failed, 'utf8')}`);
      if (Date.now() > deadline) throw new Error(`the shared hub build in ${outDir} did not finish in time`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return { ...entriesIn(outDir), remove: async () => undefined };
}

async function compileHub(outDir: string): Promise<void> {
  const node = process.execPath;
  const opts = { cwd: REPO, maxBuffer: 16 * 1024 * 1024 };
  await run(node, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', outDir], opts);
  await run(
    node,
    [
      'node_modules/tsc-alias/dist/bin/index.js',
      '-p',
      'tsconfig.build.json',
      '--outDir',
      outDir,
      '--resolve-full-paths',
    ],
    opts,
  );
}

function entriesIn(outDir: string): Omit<HubBuild, 'remove'> {
  return {
    entry: path.join(outDir, 'apps', 'hub', 'src', 'main.js'),
    workerEntry: path.join(outDir, 'apps', 'worker', 'src', 'main.js'),
  };
}

export interface HubProcess {
  /** http://127.0.0.1:PORT */
  url: string;
  pid: number;
  child: ChildProcess;
  /** What the process printed (stdout and stderr), for a failing test's message. */
  output(): string;
  /** SIGTERM and wait for the exit (a graceful shutdown). */
  stop(): Promise<void>;
  /** SIGKILL and wait for the exit: the replica dies as in a crash. */
  kill(): Promise<void>;
}

/**
 * The compiled hub as its own operating-system process (`node main.js`) on loopback, with exactly this environment
 * plus PORT and HOST; resolves once it says it is listening.
 */
export function startHubProcess(entry: string, env: Record<string, string>): Promise<HubProcess> {
  return startProcess('hub', entry, env, READY_LINE);
}

/** The compiled worker (background jobs, no HTTP) as its own process; resolves once it says it runs. */
export function startWorkerProcess(entry: string, env: Record<string, string>): Promise<HubProcess> {
  return startProcess('worker', entry, env, WORKER_READY_LINE);
}

async function startProcess(
  what: string,
  entry: string,
  env: Record<string, string>,
  readyLine: RegExp,
): Promise<HubProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [entry], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', DICOM_ENABLED: 'false', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${what} did not start in ${START_TIMEOUT_MS} ms:\n${output}`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (readyLine.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code} before it was ready:\n${output}`));
    });
  });
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    child,
    output: () => output,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
  };
}
