import { execFileSync, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { api, login } from './bench-api.js';
import { postgresCpuSeconds } from './proc-cpu.js';
import { PDF } from '../fixtures/uploads.js';
import type { BenchResult } from './bench-result.js';
import { type BenchHub, startBenchHub } from './bench-hub.js';
import type { RecognitionClientJob, RecognitionClientMessage, RecognitionClientReport } from './recognition-client.js';
import { ITEM_MIX, RecognitionSeeder, type RecognitionSeedTenant, type SeedInstitution } from './recognition-seed.js';

/** Recognisable results measured at, in this order (each seeding adds to what is there). */
const SIZES = (process.env.RECOGNITION_BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const PATIENTS = Number(process.env.RECOGNITION_BENCH_PATIENTS ?? 100_000);
const CONCURRENCY = [1, 8];
const WARMUP = 200;
const LOOKUPS = Number(process.env.RECOGNITION_BENCH_LOOKUPS ?? 2000);
/**
 * RECOGNITION_BENCH_EXPLAIN=1 prints EXPLAIN (ANALYZE, BUFFERS) of the look-up's two reads at each size;
 * RECOGNITION_BENCH_VERBOSE=1 how long each seeding statement took. RECOGNITION_BENCH_SIZES, _PATIENTS and _LOOKUPS
 * (e.g. 1000,5000 / 2000 / 300) make a quick trial run.
 */
const EXPLAIN = process.env.RECOGNITION_BENCH_EXPLAIN === '1';

/** A measurement during which other processes and the host (steal) took more than this % of a core is taken again. */
const DISTURBED_PCT = 15;
const ATTEMPTS = 3;
/** How long to wait at most for the machine to be quiet before a measurement. */
const QUIET_WAIT_SECONDS = 120;

const DAY_MS = 86_400_000;

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
const ms = (sorted: number[], p: number) => Number(percentile(sorted, p).toFixed(1));
const power = (n: number) => (Number.isInteger(Math.log10(n)) ? `10^${Math.log10(n)}` : String(n));

interface Tenant {
  seed: RecognitionSeedTenant;
  doctorToken: string;
}

/** A China calendar day `days` before now, YYYY-MM-DD. */
const daysAgo = (days: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() - days * DAY_MS));

/**
 * Through the API as the platform administrator, as test/support/tenant.ts does: a consortium with a lead hospital
 * and four township clinics, the lead hospital's imaging, ECG and lab centres (one-step sign-off) serving the clinics,
 * a technician at each institution, a senior reader who signs all three disciplines, the consortium's administrator
 * and a doctor at the first clinic, who looks results up. The administrator records QC for some institutions and
 * disciplines (one record corrected, so superseded), the doctor's first catalogue read seeds the default catalogue,
 * and one ECG goes the whole way (upload, request, claim, draft, sign): its rows are the seeder's template.
 */
async function createTenant(base: string, adminPassword: string): Promise<Tenant> {
  const admin = await login(base, 'admin', adminPassword);
  const code = `RB${randomBytes(3).toString('hex').toUpperCase()}`;
  const suffix = code.toLowerCase();
  const post = <T>(url: string, body: object, token = admin) => api<T>(base, token, 'POST', url, body);
  const consortium = await post<{ id: string }>('/api/consortia', { code, name: `互认测试医共体 ${code}` });
  const institution = (instCode: string, name: string, level: string) =>
    post<{ id: string }>('/api/institutions', { consortiumId: consortium.id, code: instCode, name, level });
  const lead = await institution('LEAD', `Lead hospital ${code}`, 'tertiary');
  const clinics: { id: string }[] = [];
  for (const n of [1, 2, 3, 4]) clinics.push(await institution(`TC-${n}`, `Township clinic ${n} ${code}`, 'township'));
  const centreIds = {} as Record<'lab' | 'imaging' | 'ecg', string>;
  for (const discipline of ['imaging', 'ecg', 'lab'] as const) {
    centreIds[discipline] = (
      await post<{ id: string }>('/api/centres', {
        consortiumId: consortium.id,
        name: `${discipline} centre ${code}`,
        discipline,
        hostInstitutionId: lead.id,
        servedInstitutionIds: clinics.map((c) => c.id),
        twoStepSignoff: false,
      })
    ).id;
  }
  const password = `pw-${randomBytes(12).toString('base64url')}`;
  const user = (username: string, institutionId: string, role: string, privileges: object[] = []) =>
    post<{ id: string }>('/api/users', {
      username: `${username}.${suffix}`,
      password,
      displayName: username,
      institutionId,
      roles: [role],
      privileges,
    });
  const places = [
    { id: clinics[0]!.id, code: 'TC1' },
    { id: lead.id, code: 'LEAD' },
    ...clinics.slice(1).map((c, k) => ({ id: c.id, code: `TC${k + 2}` })),
  ];
  const institutions: SeedInstitution[] = [];
  for (const p of places) {
    institutions.push({ ...p, technicianId: (await user(`tech-${p.code}`, p.id, 'clinic_technician')).id });
  }
  await user('senior', lead.id, 'senior_reader', [
    { discipline: 'ecg', canSign: true },
    { discipline: 'lab', canSign: true },
    { discipline: 'imaging', canSign: true },
  ]);
  await user('consortium-admin', lead.id, 'admin');
  await user('doctor', clinics[0]!.id, 'clinic_doctor');
  const [senior, consortiumAdmin, doctor, technician] = await Promise.all(
    ['senior', 'consortium-admin', 'doctor', 'tech-TC1'].map((u) => login(base, `${u}.${suffix}`, password)),
  );

  // QC: the lead hospital passes everything; the clinics some disciplines, from some day (TC-2's ECG QC lapsed).
  const qc = (institutionId: string, discipline: string, from: number, to?: number) =>
    post<{ id: string }>(
      `/api/institutions/${institutionId}/qc-records`,
      {
        discipline,
        passedFrom: daysAgo(from),
        ...(to === undefined ? {} : { passedTo: daysAgo(to) }),
        source: '市质控中心年度考核',
      },
      consortiumAdmin,
    );
  for (const discipline of ['imaging', 'ecg', 'lab']) await qc(lead.id, discipline, 1000);
  await qc(clinics[0]!.id, 'ecg', 700);
  await qc(clinics[0]!.id, 'lab', 700);
  await qc(clinics[0]!.id, 'imaging', 400);
  await qc(clinics[1]!.id, 'ecg', 500, 150);
  await qc(clinics[1]!.id, 'lab', 300);
  const mistaken = await qc(clinics[2]!.id, 'imaging', 100);
  await api(base, consortiumAdmin, 'PUT', `/api/institutions/${clinics[2]!.id}/qc-records/${mistaken.id}`, {
    discipline: 'imaging',
    passedFrom: daysAgo(250),
    source: '更正：考核日期',
  });

  await api(base, doctor!, 'GET', '/api/recognition/items');

  const form = new FormData();
  form.append(
    'metadata',
    JSON.stringify({
      patient: { localId: 'TC1-T00000', name: '互认^测试', sex: 'F', birthDate: '1960-01-01' },
      discipline: 'ecg',
      examCode: 'ECG-12',
      performedAt: new Date(Date.now() - 2 * DAY_MS).toISOString(),
    }),
  );
  form.append('files', new Blob([PDF], { type: 'application/pdf' }), 'ecg.pdf');
  const study = await api<{ id: string }>(base, technician!, 'POST', '/api/studies', form);
  const request = await post<{ task: { id: string } }>(
    '/api/requests',
    { studyId: study.id, priority: 'routine', clinicalNotes: '胸闷 2 天' },
    technician,
  );
  const claimed = await post<{ id: string; fencingToken: number }>(`/api/centres/${centreIds.ecg}/claim`, {}, senior);
  if (claimed.id !== request.task.id) throw new Error('another task was in the ECG queue');
  const { fencingToken } = claimed;
  await api(base, senior!, 'PUT', `/api/tasks/${claimed.id}/report`, {
    fencingToken,
    findings: '窦性心律，心率 72 次/分。P 波、QRS 波群及 ST-T 未见明显异常。',
    impression: '正常心电图',
  });
  const signed = await post<{ report: { id: string } }>(`/api/tasks/${claimed.id}/sign`, { fencingToken }, senior);
  return {
    seed: {
      home: institutions[0]!,
      lead: institutions[1]!,
      others: institutions.slice(2),
      centreIds,
      templateReportId: signed.report.id,
    },
    doctorToken: doctor!,
  };
}

/** A small deterministic generator, so every run and size asks for the same sequence of items. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function itemSequence(count: number, seed: number): string[] {
  const random = mulberry32(seed);
  const total = ITEM_MIX.reduce((sum, i) => sum + i.weight, 0);
  return Array.from({ length: count }, () => {
    let x = random() * total;
    for (const item of ITEM_MIX) {
      x -= item.weight;
      if (x < 0) return item.code;
    }
    return ITEM_MIX[ITEM_MIX.length - 1]!.code;
  });
}

/** For each item of the sequence, a patient drawn uniformly (with replacement) from those with results of it. */
async function lookupsFor(db: pg.Client, consortiumId: string, items: string[]) {
  await db.query('SELECT setseed(0.42)');
  const { rows } = await db.query<{ item: string; patient_id: string }>(
    `WITH per AS (SELECT item_code, array_agg(DISTINCT patient_id) AS ps
                    FROM recognisable_results WHERE consortium_id = $1 GROUP BY item_code)
     SELECT w.item, per.ps[1 + floor(random() * cardinality(per.ps))::int]::text AS patient_id
       FROM unnest($2::text[]) WITH ORDINALITY AS w(item, ord) JOIN per ON per.item_code = w.item
      ORDER BY w.ord`,
    [consortiumId, items],
  );
  if (rows.length !== items.length) throw new Error('some item of the mix has no results yet');
  return rows.map((r) => ({ patientId: r.patient_id, item: r.item }));
}

/**
 * CPU seconds so far of the whole machine (every core): time processes ran (user, nice, system; not interrupts, which
 * are mostly this benchmark's own loopback traffic), and steal (the host running something else instead).
 */
function machineCpuSeconds(): { processes: number; steal: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const [user, nice, system, , , , , steal] = fields.map(Number);
  return { processes: (user! + nice! + system!) / 100, steal: steal! / 100 };
}

/** CPU ticks so far of every process (threads of the kernel included), with its parent and name. */
function processTicks(): Map<number, { ppid: number; name: string; ticks: number }> {
  const all = new Map<number, { ppid: number; name: string; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      all.set(Number(entry), { ppid: Number(f[1]), name, ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // gone meanwhile
    }
  }
  return all;
}

const sampleCpu = (hub: BenchHub) => {
  const own = process.cpuUsage();
  return {
    hub: (own.user + own.system) / 1e6,
    postgres: postgresCpuSeconds(hub.dataDir),
    machine: machineCpuSeconds(),
    processes: processTicks(),
  };
};

/** The other processes that were busiest between two samples, e.g. "jest 12345: 35%", for a disturbed measurement. */
function busiestOthers(
  hub: BenchHub,
  start: ReturnType<typeof sampleCpu>,
  end: ReturnType<typeof sampleCpu>,
  seconds: number,
) {
  const postmaster = Number(readFileSync(path.join(hub.dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  return [...end.processes]
    .filter(([pid, p]) => pid !== process.pid && p.ppid !== process.pid && pid !== postmaster && p.ppid !== postmaster)
    .map(([pid, p]) => ({
      label: `${p.name} ${pid}`,
      pct: (p.ticks - (start.processes.get(pid)?.ticks ?? 0)) / seconds,
    }))
    .filter((p) => p.pct >= 2)
    .sort((a, b) => b.pct - a.pct)
    .slice(0, 4)
    .map((p) => `${p.label}: ${Math.round(p.pct)}%`)
    .join(', ');
}

/**
 * Waits (up to QUIET_WAIT_SECONDS) for a second in which the machine is busy less than DISTURBED_PCT of a core: this is
 * a shared 2-core machine, and a test suite or build running meanwhile would show up in the latencies.
 */
async function waitForQuiet(): Promise<void> {
  const deadline = performance.now() + QUIET_WAIT_SECONDS * 1000;
  while (performance.now() < deadline) {
    const before = machineCpuSeconds();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = machineCpuSeconds();
    if ((after.processes - before.processes + after.steal - before.steal) * 100 < DISTURBED_PCT) return;
  }
  console.log(`recognition bench: the machine stayed busy for ${QUIET_WAIT_SECONDS} s; measuring anyway`);
}

/**
 * Runs the doctors' look-ups in their own process; CPU of the hub and PostgreSQL per look-up over the measured part,
 * and how busy other processes kept the machine meanwhile (% of one core; well above 0, the figures are disturbed).
 */
async function drive(hub: BenchHub, job: RecognitionClientJob) {
  let start: ReturnType<typeof sampleCpu> | undefined;
  const report = await new Promise<RecognitionClientReport>((resolve, reject) => {
    // execArgv: [] keeps a profiling flag of this process (--cpu-prof) off the client.
    const child = fork(new URL('./recognition-client.js', import.meta.url), [], { stdio: 'inherit', execArgv: [] });
    let result: RecognitionClientReport | undefined;
    child.on('message', (m: RecognitionClientMessage) => {
      if (m.type === 'start') start = sampleCpu(hub);
      else result = m.report;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      result ? resolve(result) : reject(new Error(`the look-up client exited with ${code} before reporting`)),
    );
    child.send(job);
  });
  const end = sampleCpu(hub);
  if (!start) throw new Error('the look-up client did not mark its measured part');
  const n = report.latencies.length;
  const hubSeconds = end.hub - start.hub;
  const postgresSeconds = end.postgres - start.postgres;
  const otherSeconds =
    end.machine.processes - start.machine.processes - hubSeconds - postgresSeconds - report.clientCpuMs / 1000;
  return {
    report,
    hubCpuMs: (hubSeconds * 1000) / n,
    postgresCpuMs: (postgresSeconds * 1000) / n,
    otherCpuPct: Math.max(0, Math.round((100 * otherSeconds) / report.seconds)),
    stealPct: Math.round((100 * (end.machine.steal - start.machine.steal)) / report.seconds),
    busiestOthers: busiestOthers(hub, start, end, report.seconds),
  };
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the look-up's two reads: copies of the queries of patientFacts and
 * RecognitionLookups.results (with QC_PASSED_WHEN_PERFORMED), which @hub/recognition does not export; keep them alike.
 */
async function explain(db: pg.Client, consortiumId: string, lookup: { patientId: string; item: string }) {
  const plans = [
    [
      'patient facts',
      `SELECT p.consortium_id AS "consortiumId",
              coalesce(array_agg(pi.institution_id::text) FILTER (WHERE pi.institution_id IS NOT NULL), '{}')
                AS "institutionIds"
         FROM patients p LEFT JOIN patient_identifiers pi ON pi.patient_id = p.id
        WHERE p.id = $1 GROUP BY p.id`,
      [lookup.patientId],
    ],
    [
      'results',
      `SELECT r.id, r.study_id AS "studyId", r.discipline, i.id AS "institutionId", i.name AS "institutionName",
              r.performed_at AS "performedAt", r.signed_at AS "signedAt", r.withdrawn_at AS "withdrawnAt",
              s.study_instance_uid AS "studyInstanceUid",
              EXISTS (
                SELECT 1 FROM institution_qc_records q
                 WHERE q.institution_id = r.performing_institution_id AND q.discipline = r.discipline
                   AND q.superseded_at IS NULL
                   AND q.passed_from <= (r.performed_at AT TIME ZONE 'Asia/Shanghai')::date
                   AND (q.passed_to IS NULL OR q.passed_to >= (r.performed_at AT TIME ZONE 'Asia/Shanghai')::date))
                AS "qcPassed"
         FROM recognisable_results r
         JOIN institutions i ON i.id = r.performing_institution_id AND i.consortium_id = $2
         JOIN studies s ON s.id = r.study_id
        WHERE r.patient_id = $1 AND r.item_code = $3 AND r.consortium_id = $2
        ORDER BY r.performed_at DESC, r.id
        LIMIT 50`,
      [lookup.patientId, consortiumId, lookup.item],
    ],
  ] as const;
  for (const [name, sql, params] of plans) {
    const { rows } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, [...params]);
    console.log(`recognition bench: plan of the ${name} query (${lookup.item}):`);
    for (const r of rows) console.log(`  ${r['QUERY PLAN']}`);
  }
}

/**
 * 互认 look-ups (`GET /api/patients/:id/recognizable?item=…`) through the whole hub (HTTP, auth, the look-up's
 * transaction: patient facts, catalogue item, results with the QC check, serial number, the kept look-up, study
 * access grants for recognisable results from other institutions, audit events; the embedded PostgreSQL with fsync)
 * by one clinic doctor from a client process, at each size of recognisable_results across PATIENTS patients. The
 * data is seeded with SQL (see recognition-seed.ts), then VACUUM ANALYZEd and checkpointed. Each concurrency runs
 * WARMUP look-ups, then LOOKUPS measured ones: a fixed item mix, patients drawn uniformly from those with results of
 * the item.
 */
export async function runRecognitionBench(): Promise<BenchResult[]> {
  const hub = await startBenchHub({
    // The run outlasts the default 15-minute access tokens.
    ACCESS_TOKEN_TTL_SECONDS: '7200',
  });
  const db = hub.ownerClient();
  const results: BenchResult[] = [];
  try {
    await db.connect();
    const tenant = await createTenant(hub.base, hub.adminPassword);
    const seeder = await RecognitionSeeder.create(db, tenant.seed);
    const consortiumId = seeder.consortiumId;
    console.log(
      `recognition bench: ${PATIENTS} patients; ${WARMUP} warm-up + ${LOOKUPS} measured look-ups per concurrency; ` +
        `load average before: ${os.loadavg()[0]!.toFixed(2)}`,
    );

    const tp = performance.now();
    await seeder.addPatients(PATIENTS);
    await db.query('VACUUM (ANALYZE) patients, patient_identifiers');
    const { rows: registered } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM patient_identifiers pi JOIN patients p ON p.id = pi.patient_id WHERE p.consortium_id = $1',
      [consortiumId],
    );
    results.push({
      name: `recognition, seeding ${power(PATIENTS)} patients with SQL (patients, identifiers at 2 or 3 institutions)`,
      figures: {
        patients: PATIENTS,
        identifiers: registered[0]!.n,
        'seed + VACUUM ANALYZE s': Number(((performance.now() - tp) / 1000).toFixed(1)),
      },
    });

    // Each concurrency level gets its own draw of look-ups; the item sequence is the same at every size.
    const items = itemSequence(CONCURRENCY.length * (WARMUP + LOOKUPS), 7);
    for (const size of SIZES) {
      const missing = size - (await seeder.results());
      const t0 = performance.now();
      await seeder.addResults(missing);
      const seedSeconds = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      await db.query(
        'VACUUM (ANALYZE) studies, reading_requests, reading_tasks, reports, recognisable_results, audit_events',
      );
      await db.query('CHECKPOINT');
      // Whatever the seeding left dirty in the page cache is written now, not by the kernel while we measure.
      execFileSync('sync');
      const analyzeSeconds = (performance.now() - t1) / 1000;
      const { rows } = await db.query<{ results: number; patients: number; mb: string }>(
        `SELECT count(*)::int AS results, count(DISTINCT patient_id)::int AS patients,
                (pg_total_relation_size('recognisable_results') / 1e6)::int::text AS mb
           FROM recognisable_results WHERE consortium_id = $1`,
        [consortiumId],
      );
      const { results: count, patients, mb } = rows[0]!;
      results.push({
        name: `recognition, seeding to ${power(size)} results with SQL (studies, requests, signed tasks and reports, results)`,
        figures: {
          'results added': missing,
          'seed s': Number(seedSeconds.toFixed(1)),
          'results/s': missing > 0 ? Math.round(missing / seedSeconds) : 0,
          'VACUUM ANALYZE + CHECKPOINT + sync s': Number(analyzeSeconds.toFixed(1)),
          'patients with results': patients,
          'recognisable_results MB': Number(mb),
        },
      });
      const lookups = await lookupsFor(db, consortiumId, items);
      for (const [k, concurrency] of CONCURRENCY.entries()) {
        const mine = lookups.slice(k * (WARMUP + LOOKUPS), (k + 1) * (WARMUP + LOOKUPS));
        const name = `recognition look-up, ${power(size)} results, concurrency ${concurrency}`;
        let run: Awaited<ReturnType<typeof drive>>;
        for (let attempt = 1; ; attempt++) {
          await waitForQuiet();
          run = await drive(hub, {
            base: hub.base,
            token: tenant.doctorToken,
            concurrency,
            warmup: WARMUP,
            lookups: mine,
          });
          if (run.otherCpuPct + run.stealPct <= DISTURBED_PCT || attempt === ATTEMPTS) break;
          console.log(
            `recognition bench: ${name}: other processes took ${run.otherCpuPct}% of a core and the host ` +
              `${run.stealPct}% ` +
              `(${run.busiestOthers || 'none above 2%'}), measuring again`,
          );
        }
        const { report, hubCpuMs, postgresCpuMs, otherCpuPct, stealPct } = run;
        const n = report.latencies.length;
        const figures: BenchResult['figures'] = {
          results: count,
          'look-ups': n,
          'look-ups/s': Number((n / report.seconds).toFixed(1)),
          'p50 ms': ms(report.latencies, 50),
          'p99 ms': ms(report.latencies, 99),
          'max ms': ms(report.latencies, 100),
          'candidates / recognisable per look-up': `${(report.candidates / n).toFixed(2)} / ${(report.recognisable / n).toFixed(2)}`,
          'CPU ms per look-up: hub / PostgreSQL / client': `${hubCpuMs.toFixed(2)} / ${postgresCpuMs.toFixed(2)} / ${(report.clientCpuMs / n).toFixed(2)}`,
          'other processes / steal, % of a core': `${otherCpuPct} / ${stealPct}`,
        };
        const errors = Object.entries(report.errors);
        if (errors.length) figures.errors = errors.map(([status, times]) => `${status} ×${times}`).join('; ');
        const result = { name, figures };
        console.log(
          `recognition bench: ${name}: ${JSON.stringify(figures)}; ` +
            `busiest other processes: ${run.busiestOthers || 'none above 2%'}`,
        );
        results.push(result);
      }
      if (EXPLAIN) {
        const heaviest = (
          await db.query<{ patient_id: string; item_code: string }>(
            `SELECT patient_id, item_code FROM recognisable_results WHERE consortium_id = $1
              GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1`,
            [consortiumId],
          )
        ).rows[0]!;
        await explain(db, consortiumId, lookups[WARMUP]!);
        await explain(db, consortiumId, { patientId: heaviest.patient_id, item: heaviest.item_code });
      }
    }
  } finally {
    await db.end();
    await hub.close();
  }
  return results;
}
