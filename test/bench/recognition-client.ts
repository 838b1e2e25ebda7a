/**
 * The look-up load generator, run as its own process (see runRecognitionBench) so the hub has its event loop to
 * itself: `concurrency` doctors' requests in flight, each on its own keep-alive `node:http` connection, taking the
 * next look-up of the list until it is done. The first `warmup` look-ups are not measured.
 */
import http from 'node:http';

export interface RecognitionClientJob {
  base: string;
  token: string;
  concurrency: number;
  warmup: number;
  /** In order; the first `warmup` of them warm up. */
  lookups: { patientId: string; item: string }[];
}

export interface RecognitionClientReport {
  seconds: number;
  /** Sorted, ms, from request start to the end of the response, of the measured look-ups. */
  latencies: number[];
  /** Candidates shown per measured look-up: all of them, and the recognisable ones. */
  candidates: number;
  recognisable: number;
  /** Unexpected answers, by status. */
  errors: Record<string, number>;
  /** CPU time of this process over the measured look-ups, ms. */
  clientCpuMs: number;
}

/** Messages to the parent: the measured look-ups start, then the report. */
export type RecognitionClientMessage = { type: 'start' } | { type: 'report'; report: RecognitionClientReport };

const REQUEST_TIMEOUT_MS = 60_000;

function get(agent: http.Agent, job: RecognitionClientJob, path: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(
      `${job.base}${path}`,
      { method: 'GET', agent, headers: { Authorization: `Bearer ${job.token}`, Accept: 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () =>
      req.destroy(new Error(`GET ${path}: no answer in ${REQUEST_TIMEOUT_MS} ms`)),
    );
    req.on('error', reject);
    req.end();
  });
}

/** Runs look-ups [from, to) of the list, `concurrency` at a time. */
async function drive(
  job: RecognitionClientJob,
  agents: http.Agent[],
  from: number,
  to: number,
  report: RecognitionClientReport | null,
): Promise<void> {
  let next = from;
  await Promise.all(
    agents.map(async (agent) => {
      while (next < to) {
        const { patientId, item } = job.lookups[next++]!;
        const t0 = performance.now();
        const res = await get(agent, job, `/api/patients/${patientId}/recognizable?item=${item}`);
        const ms = performance.now() - t0;
        if (res.status !== 200) {
          if (!report) throw new Error(`look-up answered ${res.status}: ${res.body.slice(0, 300)}`);
          report.errors[res.status] = (report.errors[res.status] ?? 0) + 1;
          continue;
        }
        if (!report) continue;
        report.latencies.push(ms);
        const view = JSON.parse(res.body) as { recognisable: unknown[]; notRecognisable: unknown[] };
        report.candidates += view.recognisable.length + view.notRecognisable.length;
        report.recognisable += view.recognisable.length;
      }
    }),
  );
}

async function run(job: RecognitionClientJob): Promise<RecognitionClientReport> {
  const agents = Array.from({ length: job.concurrency }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  await drive(job, agents, 0, job.warmup, null);
  const report: RecognitionClientReport = {
    seconds: 0,
    latencies: [],
    candidates: 0,
    recognisable: 0,
    errors: {},
    clientCpuMs: 0,
  };
  process.send!({ type: 'start' } satisfies RecognitionClientMessage);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await drive(job, agents, job.warmup, job.lookups.length, report);
  report.seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  report.clientCpuMs = (cpu.user + cpu.system) / 1000;
  for (const agent of agents) agent.destroy();
  report.latencies.sort((x, y) => x - y);
  return report;
}

// The job comes as a message: its list of look-ups is too long for a command-line argument.
process.once('message', (job: RecognitionClientJob) => {
  run(job).then(
    (report) => process.send!({ type: 'report', report } satisfies RecognitionClientMessage, () => process.exit(0)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});
