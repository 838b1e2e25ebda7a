import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { api, login } from './bench-api.js';
import { postgresCpuSeconds } from './proc-cpu.js';
import { PDF } from '../fixtures/uploads.js';
import type { BenchResult } from './bench-result.js';
import { type BenchHub, startBenchHub } from './bench-hub.js';
import type { QueueClientJob, QueueClientMessage, QueueClientMode, QueueClientReport } from './queue-client.js';
import { QueueSeeder } from './queue-seed.js';

/** Queue depths measured, in this order (the seeding adds to what is there). QUEUE_BENCH_DEPTHS=100000 picks some. */
const DEPTHS = (process.env.QUEUE_BENCH_DEPTHS ?? '1000,10000,100000,1000000').split(',').map(Number);
/** QUEUE_BENCH_MODES=complete picks one. */
const MODES = (process.env.QUEUE_BENCH_MODES ?? 'claim,complete').split(',') as QueueClientMode[];
const READERS = 32;
/** The hub's default pool unless QUEUE_BENCH_POOL_SIZE says otherwise (the README's table ran with 40). */
const POOL_SIZE = process.env.QUEUE_BENCH_POOL_SIZE ?? '10';
const WARMUP_SECONDS = 5;
const MEASURE_SECONDS = 20;
/** Seeded requests were made over this many past hours (replenished ones arrive while the benchmark runs). */
const BACKLOG_HOURS = 24;

const MODE_NAMES: Record<QueueClientMode, string> = {
  claim: 'claim only (each reader keeps its leases and claims again)',
  complete: 'claim → save draft (PUT report) → sign, one-step centre',
};

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
const ms = (sorted: number[], p: number) => Number(percentile(sorted, p).toFixed(1));
const power = (n: number) => (Number.isInteger(Math.log10(n)) ? `10^${Math.log10(n)}` : String(n));

interface Tenant {
  centreId: string;
  templateTaskId: string;
  readerTokens: string[];
}

/**
 * Through the API as the platform administrator, as test/support/tenant.ts does: a consortium, a lead hospital with a
 * one-step ECG centre (a privileged senior reader signs a draft directly), a township clinic it serves, the clinic's
 * technician and READERS senior readers with ECG signing rights, each logged in. The technician uploads one ECG study
 * and requests its reading: the rows of that request are the template of the seeded ones.
 */
async function createTenant(base: string, adminPassword: string): Promise<Tenant> {
  const admin = await login(base, 'admin', adminPassword);
  const code = `QB${randomBytes(3).toString('hex').toUpperCase()}`;
  const post = <T>(url: string, body: object, token = admin) => api<T>(base, token, 'POST', url, body);
  const consortium = await post<{ id: string }>('/api/consortia', { code, name: `Queue bench consortium ${code}` });
  const institution = (instCode: string, name: string, level: string) =>
    post<{ id: string }>('/api/institutions', { consortiumId: consortium.id, code: instCode, name, level });
  const lead = await institution('LEAD', `Lead hospital ${code}`, 'tertiary');
  const clinic = await institution('TC-1', `Township clinic ${code}`, 'township');
  const centre = await post<{ id: string }>('/api/centres', {
    consortiumId: consortium.id,
    name: `ECG centre ${code}`,
    discipline: 'ecg',
    hostInstitutionId: lead.id,
    servedInstitutionIds: [clinic.id],
    twoStepSignoff: false,
  });
  const password = `pw-${randomBytes(12).toString('base64url')}`;
  const user = (username: string, institutionId: string, role: string, privileges: object[]) =>
    post('/api/users', { username, password, displayName: username, institutionId, roles: [role], privileges });
  const technician = `tech.${code.toLowerCase()}`;
  await user(technician, clinic.id, 'clinic_technician', []);
  const readers = Array.from({ length: READERS }, (_, i) => `reader${i + 1}.${code.toLowerCase()}`);
  const readerTokens: string[] = [];
  for (let i = 0; i < readers.length; i += 4) {
    const batch = readers.slice(i, i + 4);
    await Promise.all(batch.map((r) => user(r, lead.id, 'senior_reader', [{ discipline: 'ecg', canSign: true }])));
    readerTokens.push(...(await Promise.all(batch.map((r) => login(base, r, password)))));
  }

  const technicianToken = await login(base, technician, password);
  const form = new FormData();
  form.append(
    'metadata',
    JSON.stringify({
      patient: { localId: 'QB-0', name: '李^心', sex: 'F', birthDate: '1970-01-02' },
      discipline: 'ecg',
      examCode: 'ECG-12',
      performedAt: new Date(Date.now() - 20 * 60_000).toISOString(),
    }),
  );
  form.append('files', new Blob([PDF], { type: 'application/pdf' }), 'ecg.pdf');
  const study = await api<{ id: string }>(base, technicianToken, 'POST', '/api/studies', form);
  const request = await post<{ task: { id: string } }>(
    '/api/requests',
    { studyId: study.id, priority: 'routine', clinicalNotes: '胸闷 2 天，复查心电图' },
    technicianToken,
  );
  return { centreId: centre.id, templateTaskId: request.task.id, readerTokens };
}

/** Busy CPU seconds of the whole machine (every core). */
function machineCpuSeconds(): number {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / 100;
}

interface CpuSample {
  hub: number;
  postgres: number;
  machine: number;
}

const sampleCpu = (hub: BenchHub): CpuSample => {
  const own = process.cpuUsage();
  return {
    hub: (own.user + own.system) / 1e6,
    postgres: postgresCpuSeconds(hub.dataDir),
    machine: machineCpuSeconds(),
  };
};

/**
 * Runs the readers in their own process for one mode, topping the queue up with as many new tasks as they took, and
 * samples CPU time at the edges of the measured window.
 */
async function drive(hub: BenchHub, tenant: Tenant, seeder: QueueSeeder, mode: QueueClientMode, depth: number) {
  const job: QueueClientJob = {
    base: hub.base,
    centreId: tenant.centreId,
    tokens: tenant.readerTokens,
    mode,
    warmupSeconds: WARMUP_SECONDS,
    measureSeconds: MEASURE_SECONDS,
  };
  let owed = 0;
  let added = 0;
  let replenishing: Promise<void> = Promise.resolve();
  const replenish = () => {
    replenishing = replenishing.then(async () => {
      const n = owed;
      owed = 0;
      await seeder.add(n, 0);
      added += n;
    });
  };
  const samples: Partial<Record<'start' | 'end', CpuSample>> = {};
  const depthAtStart = await seeder.depth();
  const report = await new Promise<QueueClientReport>((resolve, reject) => {
    // execArgv: [] keeps a profiling flag of this process (--cpu-prof) off the client.
    const child = fork(new URL('./queue-client.js', import.meta.url), [JSON.stringify(job)], {
      stdio: 'inherit',
      execArgv: [],
    });
    let result: QueueClientReport | undefined;
    child.on('message', (m: QueueClientMessage) => {
      if (m.type === 'taken') {
        owed += m.tasks;
        replenish();
      } else if (m.type === 'window') {
        samples[m.edge] = sampleCpu(hub);
        // Under --cpu-prof: where the measured window lies on the profile's clock (CLOCK_MONOTONIC, µs).
        if (process.execArgv.some((a) => a.startsWith('--cpu-prof'))) {
          console.log(`queue bench: window ${m.edge} at ${process.hrtime.bigint() / 1000n} µs`);
        }
      } else result = m.report;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      result ? resolve(result) : reject(new Error(`the queue client exited with ${code} before reporting`)),
    );
  });
  await replenishing;
  const depthAtEnd = await seeder.depth();
  const { start, end } = samples;
  if (!start || !end) throw new Error('the queue client did not mark its measured window');
  const pct = (seconds: number) => Math.round((100 * seconds) / report.windowSeconds);
  const hubPct = pct(end.hub - start.hub);
  const pgPct = pct(end.postgres - start.postgres);
  const clientPct = pct(report.clientCpuMs / 1000);
  const machinePct = pct(end.machine - start.machine);
  const figures: BenchResult['figures'] = {
    'depth at start / end': `${depthAtStart} / ${depthAtEnd}`,
    'claims/s': Number((report.claims / report.windowSeconds).toFixed(1)),
    'claim p50 ms': ms(report.claimMs, 50),
    'claim p99 ms': ms(report.claimMs, 99),
  };
  if (mode === 'complete') {
    Object.assign(figures, {
      'completes/s': Number((report.completes / report.windowSeconds).toFixed(1)),
      'save p50 ms': ms(report.saveMs, 50),
      'save p99 ms': ms(report.saveMs, 99),
      'sign p50 ms': ms(report.signMs, 50),
      'sign p99 ms': ms(report.signMs, 99),
    });
  }
  figures['CPU % of one core: hub / PostgreSQL / client / rest of machine'] =
    `${hubPct} / ${pgPct} / ${clientPct} / ${machinePct - hubPct - pgPct - clientPct}`;
  figures['tasks replenished'] = added;
  if (report.emptyClaims) figures['claims answered 204'] = report.emptyClaims;
  const errors = Object.entries(report.errors);
  if (errors.length) figures.errors = errors.map(([k, v]) => `${k} ×${v}`).join('; ');
  return {
    name: `reading queue, depth ${power(depth)}, ${READERS} readers, ${MODE_NAMES[mode]}`,
    figures,
  } satisfies BenchResult;
}

/**
 * Claims and completions through the whole hub (HTTP, auth, the claim's SKIP LOCKED statement and audit event, the
 * embedded PostgreSQL with fsync) by READERS concurrent readers in a separate process, at each queue depth: the queue
 * is seeded with SQL (see queue-seed.ts), VACUUM ANALYZEd and checkpointed; each mode then runs WARMUP_SECONDS and
 * is measured over MEASURE_SECONDS while every task taken is replaced by a new one, so the depth holds.
 */
export async function runQueueBench(): Promise<BenchResult[]> {
  const hub = await startBenchHub({
    // The run outlasts the default 15-minute access tokens; claims kept in 'claim' mode must not expire back into
    // the queue during a later measurement.
    ACCESS_TOKEN_TTL_SECONDS: '7200',
    READING_LEASE_SECONDS: '7200',
    DATABASE_POOL_SIZE: POOL_SIZE,
  });
  const db = hub.ownerClient();
  const results: BenchResult[] = [];
  try {
    await db.connect();
    const tenant = await createTenant(hub.base, hub.adminPassword);
    const seeder = await QueueSeeder.create(db, { centreId: tenant.centreId, taskId: tenant.templateTaskId });
    console.log(
      `queue bench: ${READERS} readers, ${WARMUP_SECONDS} s warm-up + ${MEASURE_SECONDS} s measured per mode, ` +
        `DATABASE_POOL_SIZE=${POOL_SIZE}; ` +
        `load average before: ${os.loadavg()[0]!.toFixed(2)}`,
    );
    for (const depth of DEPTHS) {
      const missing = depth - (await seeder.depth());
      const t0 = performance.now();
      await seeder.add(missing, BACKLOG_HOURS);
      const seedSeconds = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      await db.query('VACUUM (ANALYZE)');
      await db.query('CHECKPOINT');
      const { rows } = await db.query<{ bytes: string }>(
        `SELECT pg_total_relation_size('reading_tasks')::text AS bytes`,
      );
      results.push({
        name: `reading queue, seeding to depth ${power(depth)} with SQL (patients, identifiers, studies, files, requests, tasks)`,
        figures: {
          'tasks added': missing,
          'seed s': Number(seedSeconds.toFixed(1)),
          'tasks/s': missing > 0 ? Math.round(missing / seedSeconds) : 0,
          'VACUUM ANALYZE + CHECKPOINT s': Number(((performance.now() - t1) / 1000).toFixed(1)),
          'reading_tasks MB': Math.round(Number(rows[0]!.bytes) / 1e6),
        },
      });
      for (const mode of MODES) {
        const topUp = depth - (await seeder.depth());
        if (topUp > 0) await seeder.add(topUp, BACKLOG_HOURS);
        await db.query('VACUUM (ANALYZE)');
        await db.query('CHECKPOINT');
        const result = await drive(hub, tenant, seeder, mode, depth);
        console.log(`queue bench: ${result.name}: ${JSON.stringify(result.figures)}`);
        results.push(result);
      }
    }
  } finally {
    await db.end();
    await hub.close();
  }
  return results;
}
