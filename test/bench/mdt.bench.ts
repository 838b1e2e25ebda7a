/**
 * The live consultation rooms (socket.io /mdt) under load: ROOMS rooms × 10 participants (the requesting doctor, the
 * coordinator and 8 specialists, one socket per user per room), each socket sending RATE (MDT_BENCH_RATE, default 5)
 * chat.send a second for MDT_BENCH_SECONDS (default 60) from a separate client process (mdt-clients.ts), with acks.
 * Latency is from the send to each participant hearing the chat.message, the sender included (every delivery of the
 * fan-out is timed, on the client process's clock); lost = deliveries due (messages sent and not refused by an error
 * ack, × room size) never heard by the end of the drain; duplicates = one seq heard twice live by one socket. Three
 * runs, each with the same client code and load:
 *
 * 1. a bare socket.io echo server (mdt-echo-server.ts), one process: the baseline;
 * 2. the hub, compiled (dist-bench), as its own process on an embedded PostgreSQL, SOCKET_ADAPTER=postgres, 1 replica;
 * 3. the same with 2 replicas on one database and DATA_DIR, participants alternating between them.
 *
 * Each hub run gets a fresh database and DATA_DIR, seeded through the REST API (mdt-seed.ts). Server CPU is measured
 * from /proc over the load window (first send → report, stragglers included), peak RSS by sampling VmRSS in it.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type LocalPostgres, startLocalPostgres } from '../support/global-setup.js';
import { type HubProcess, startHubProcess } from '../support/hub-process.js';
import type { BenchResult } from './bench-result.js';
import type { MdtClientsCommand, MdtClientsJob, MdtClientsMessage, MdtClientsReport } from './mdt-clients.js';
import { seedMdtRooms } from './mdt-seed.js';
import { postgresCpuSeconds } from './proc-cpu.js';

const ROOMS = 20;
/** chat.send per socket per second (MDT_BENCH_RATE, to find where a slower machine breaks). */
const RATE = Number(process.env.MDT_BENCH_RATE ?? 5);
const SECONDS = Number(process.env.MDT_BENCH_SECONDS ?? 60);
/**
 * After the last send, stragglers (deliveries, acks) are awaited until all are in, or none came for 5 s, or this long:
 * an overloaded server drains its backlog here (the figure 'drain s' shows how long it took), and only what it never
 * sends counts as lost.
 */
const DRAIN_SECONDS = 2 * SECONDS + 30;
/** Everything before the load (connect, join) and after it (report) must fit in this, or the run is abandoned. */
const CLIENT_OVERHEAD_MS = 180_000;
const HUB_STOP_TIMEOUT_MS = 20_000;
const APP_ROLE = 'hub_app';
const DATABASE = 'hub';

const HUB_ENTRY = fileURLToPath(new URL('../../apps/hub/src/main.js', import.meta.url));
const SOCKET_IO_VERSION = (createRequire(import.meta.url)('socket.io/package.json') as { version: string }).version;

const MiB = 1024 * 1024;
const round1 = (x: number) => Number(x.toFixed(1));

// ── /proc ─────────────────────────────────────────────────────────────────────────────────────────────────────────

/** CPU seconds so far (user + system) of one process. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

interface ServerUsage {
  /** Per process, over the window. */
  cpuSeconds: number[];
  peakRssMiB: number[];
  postgresCpuSeconds: number | null;
}

/** Starts measuring the server processes (and the PostgreSQL under `pgRoot`); the returned function stops. */
function watchServers(pids: number[], pgRoot: string | null): () => ServerUsage {
  const cpu0 = pids.map(cpuSeconds);
  const pg0 = pgRoot ? postgresCpuSeconds(pgRoot) : 0;
  const peaks = pids.map(rssBytes);
  const sample = () => pids.forEach((pid, i) => (peaks[i] = Math.max(peaks[i]!, rssBytes(pid))));
  const timer = setInterval(() => {
    try {
      sample();
    } catch {
      // a process went away; its figures stop there
    }
  }, 200);
  return () => {
    clearInterval(timer);
    sample();
    return {
      cpuSeconds: pids.map((pid, i) => round1(cpuSeconds(pid) - cpu0[i]!)),
      peakRssMiB: peaks.map((b) => Math.round(b / MiB)),
      postgresCpuSeconds: pgRoot ? round1(postgresCpuSeconds(pgRoot) - pg0) : null,
    };
  };
}

// ── Child processes ───────────────────────────────────────────────────────────────────────────────────────────────

/** Every child this bench started and has not yet seen exit: killed if the bench fails or is interrupted. */
const children = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

/** SIGTERM, then SIGKILL if it has not gone within `ms`. */
async function stopChild(child: ChildProcess, ms = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  await exited(child);
  clearTimeout(timer);
}

async function stopHub(hub: HubProcess): Promise<void> {
  const timer = setTimeout(() => void hub.kill(), HUB_STOP_TIMEOUT_MS);
  await hub.stop();
  clearTimeout(timer);
}

/** Forks the load generator, has it join every room, measures the servers while it sends, and returns its report. */
function driveRooms(job: MdtClientsJob, measure: () => () => ServerUsage) {
  return new Promise<{ report: MdtClientsReport; usage: ServerUsage }>((resolve, reject) => {
    const child = track(fork(fileURLToPath(new URL('./mdt-clients.js', import.meta.url)), [], { stdio: 'inherit' }));
    const command = (c: MdtClientsCommand) => child.send(c);
    let stopMeasuring: (() => ServerUsage) | null = null;
    let result: { report: MdtClientsReport; usage: ServerUsage } | null = null;
    const timer = setTimeout(
      () => {
        child.kill('SIGKILL');
        reject(
          new Error(
            `the MDT clients did not finish within ${job.seconds + job.drainSeconds + CLIENT_OVERHEAD_MS / 1000} s`,
          ),
        );
      },
      job.seconds * 1000 + CLIENT_OVERHEAD_MS,
    );
    child.on('message', (raw) => {
      const m = raw as MdtClientsMessage;
      if (m.type === 'joined') {
        stopMeasuring = measure();
        command({ type: 'go' });
      } else if (m.type === 'report') {
        result = { report: m.report, usage: stopMeasuring!() };
        command({ type: 'close' });
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!result) stopMeasuring?.();
      if (result) resolve(result);
      else reject(new Error(`the MDT clients exited with ${code} before reporting`));
    });
    command({ type: 'job', job });
  });
}

// ── Servers ───────────────────────────────────────────────────────────────────────────────────────────────────────

interface Postgres extends Pick<LocalPostgres, 'ownerUrl' | 'appUrl'> {
  /** Holds pg/ (the cluster), for postgresCpuSeconds. */
  root: string;
  stop(): Promise<void>;
}

/** One embedded PostgreSQL as the test suites start it, but durable (fsync on): commits are what is measured. */
async function startPostgres(root: string): Promise<Postgres> {
  const local = await startLocalPostgres(root, { durable: true, appRole: APP_ROLE });
  return { root, ownerUrl: local.ownerUrl, appUrl: local.appUrl, stop: () => local.server.stop() };
}

async function asOwner<T>(db: Pick<Postgres, 'ownerUrl'>, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: db.ownerUrl('postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

interface EchoServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function startEchoServer(): Promise<EchoServer> {
  const child = track(fork(fileURLToPath(new URL('./mdt-echo-server.js', import.meta.url)), [], { stdio: 'inherit' }));
  return new Promise((resolve, reject) => {
    child.once('message', (m) =>
      resolve({
        url: `http://127.0.0.1:${(m as { port: number }).port}`,
        pid: child.pid!,
        stop: () => stopChild(child),
      }),
    );
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the echo server exited with ${code} before listening`)));
  });
}

// ── Runs ──────────────────────────────────────────────────────────────────────────────────────────────────────────

const jobFor = (consultationIds: string[], participants: { url: string; token: string }[][]): MdtClientsJob => ({
  rooms: consultationIds.map((consultationId, r) => ({ consultationId, participants: participants[r]! })),
  seconds: SECONDS,
  rate: RATE,
  drainSeconds: DRAIN_SECONDS,
});

function describe(report: MdtClientsReport, usage: ServerUsage, serverLabel: string, roomSize: number) {
  const failures = Object.values(report.ackFailures).reduce((a, b) => a + b, 0);
  if (failures) {
    console.log(
      `  ack failures: ${Object.entries(report.ackFailures)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
  }
  const figures: Record<string, number | string> = {
    rooms: ROOMS,
    'participants/room': roomSize,
    'events/s offered': report.sockets * RATE,
    sent: report.sent,
    'deliveries due': report.expected,
    delivered: report.delivered,
    'p50 ms': report.latency.p50,
    'p99 ms': report.latency.p99,
    'max ms': report.latency.max,
    lost: report.lost,
    duplicates: report.duplicates,
    'ack failures': failures,
    'ack p50 ms': report.ack.p50,
    'ack p99 ms': report.ack.p99,
    [`${serverLabel} CPU s`]: usage.cpuSeconds.join(' / '),
    [`${serverLabel} peak RSS MiB`]: usage.peakRssMiB.join(' / '),
  };
  if (usage.postgresCpuSeconds !== null) figures['PostgreSQL CPU s'] = usage.postgresCpuSeconds;
  figures['client CPU s'] = report.clientCpuSeconds;
  figures['window s'] = report.windowSeconds;
  figures['drain s'] = report.drainSeconds;
  if (report.reordered) figures['reordered (allowed)'] = report.reordered;
  if (report.deliveredRefused) figures['delivered though refused'] = report.deliveredRefused;
  if (report.disconnects) figures.disconnects = report.disconnects;
  if (report.foreign) figures['from another room'] = report.foreign;
  return figures;
}

const load = `${ROOMS} rooms × 10 participants, ${RATE} chat.send/s each for ${SECONDS} s, latency to every participant (sender included)`;

async function runEcho(): Promise<BenchResult> {
  const echo = await startEchoServer();
  try {
    const ids = Array.from({ length: ROOMS }, () => randomUUID());
    const participants = ids.map(() => Array.from({ length: 10 }, () => ({ url: echo.url, token: 'none' })));
    const { report, usage } = await driveRooms(jobFor(ids, participants), () => watchServers([echo.pid], null));
    return {
      name: `MDT rooms: bare socket.io ${SOCKET_IO_VERSION} echo server, one process (baseline); ${load}`,
      figures: describe(report, usage, 'echo server', 10),
    };
  } finally {
    await echo.stop();
  }
}

async function runHub(db: Postgres, root: string, replicas: number): Promise<BenchResult> {
  const dataDir = await mkdtemp(path.join(root, `data-${replicas}-`));
  const adminPassword = `admin-${randomBytes(12).toString('base64url')}`;
  const common = {
    NODE_ENV: 'production',
    DATABASE_URL: db.appUrl(DATABASE),
    DATABASE_ADMIN_URL: db.ownerUrl(DATABASE),
    DATA_DIR: dataDir,
    HUB_JWT_SECRET: randomBytes(36).toString('base64url'),
    HUB_ADMIN_PASSWORD: adminPassword,
    LOG_LEVEL: 'silent',
    LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    ORPHAN_SWEEP_INTERVAL_MINUTES: '0',
    SOCKET_ADAPTER: 'postgres',
  };
  await asOwner(db, (c) => c.query(`CREATE DATABASE ${DATABASE}`));
  const hubs: HubProcess[] = [];
  try {
    // The first replica migrates the database and runs the jobs; the next start once it listens.
    for (let i = 0; i < replicas; i++) {
      const hub = await startHubProcess(HUB_ENTRY, { ...common, JOBS_ENABLED: i === 0 ? 'true' : 'false' });
      track(hub.child);
      hubs.push(hub);
    }
    const seed = await seedMdtRooms(hubs[0]!.url, adminPassword, ROOMS);
    const participants = seed.consultationIds.map(() =>
      seed.participants.map((p, i) => ({ url: hubs[i % replicas]!.url, token: p.token })),
    );
    let result;
    try {
      result = await driveRooms(jobFor(seed.consultationIds, participants), () =>
        watchServers(
          hubs.map((h) => h.pid),
          db.root,
        ),
      );
    } catch (err) {
      const died = hubs.filter((h) => h.child.exitCode !== null || h.child.signalCode !== null);
      for (const h of died) console.error(`hub ${h.url} exited during the run:\n${h.output()}`);
      throw err;
    }
    const where =
      replicas === 1 ? '1 replica' : `${replicas} replicas on one database (participant i → replica i mod ${replicas})`;
    return {
      name: `MDT rooms: the hub, SOCKET_ADAPTER=postgres, ${where}; ${load}`,
      figures: describe(result.report, result.usage, 'hub', seed.participants.length),
    };
  } finally {
    await Promise.all(hubs.map(stopHub));
    await asOwner(db, (c) => c.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`));
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function runMdtBench(): Promise<BenchResult[]> {
  if (!(SECONDS > 0)) throw new Error('MDT_BENCH_SECONDS must be a positive number');
  if (!(RATE > 0)) throw new Error('MDT_BENCH_RATE must be a positive number');
  const root = await mkdtemp(path.join(os.tmpdir(), 'hub-mdt-bench-'));
  let db: Postgres | null = null;
  // Interrupted (Ctrl-C, kill): take the children down with the bench.
  const onSignal = (signal: NodeJS.Signals) => {
    for (const child of children) child.kill('SIGKILL');
    void Promise.race([db?.stop(), new Promise((r) => setTimeout(r, 5_000))])
      .then(() => rm(root, { recursive: true, force: true }))
      .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const baseline = await runEcho();
    console.log(`mdt: baseline done (p99 ${baseline.figures['p99 ms']} ms); now the hub`);
    db = await startPostgres(root);
    const results = [baseline];
    for (const replicas of [1, 2]) {
      const r = await runHub(db, root, replicas);
      r.figures['p99 ÷ baseline p99'] = Number(
        ((r.figures['p99 ms'] as number) / (baseline.figures['p99 ms'] as number)).toFixed(2),
      );
      results.push(r);
    }
    return results;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const child of children) child.kill('SIGKILL');
    await db?.stop().catch((err: unknown) => console.error('stopping PostgreSQL:', err));
    await rm(root, { recursive: true, force: true });
  }
}
