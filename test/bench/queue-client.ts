/**
 * The reading-queue load generator, run as its own process (see runQueueBench) so the hub has its event loop to
 * itself: one reader per access token, each on its own keep-alive `node:http` connection, working the centre's queue
 * in a loop until the measured window ends.
 *
 * - mode 'claim': claim, keep the lease, claim the next (claims alone);
 * - mode 'complete': claim, save the draft report (PUT), sign it (one-step centre): the task is done.
 *
 * Every 200 ms the parent hears how many tasks left the queue, so it can put as many new ones in and keep the depth.
 */
import http from 'node:http';

export type QueueClientMode = 'claim' | 'complete';

export interface QueueClientJob {
  base: string;
  centreId: string;
  /** One access token per reader. */
  tokens: string[];
  mode: QueueClientMode;
  warmupSeconds: number;
  measureSeconds: number;
}

/** Messages to the parent while running. */
export type QueueClientMessage =
  | { type: 'taken'; tasks: number }
  | { type: 'window'; edge: 'start' | 'end' }
  | { type: 'report'; report: QueueClientReport };

export interface QueueClientReport {
  windowSeconds: number;
  /** Claims answered 200 whose answer ended inside the measured window. */
  claims: number;
  /** Claims answered 204 (nothing to claim) inside the window: should stay 0. */
  emptyClaims: number;
  /** Tasks signed (sign answered 200) inside the window. */
  completes: number;
  /** Sorted, ms, from request start to the end of the response, for requests started inside the window. */
  claimMs: number[];
  saveMs: number[];
  signMs: number[];
  /** Unexpected answers, by "step status". */
  errors: Record<string, number>;
  /** CPU time of this process inside the window, ms. */
  clientCpuMs: number;
}

const REQUEST_TIMEOUT_MS = 60_000;

interface Answer {
  status: number;
  body: string;
  startedAt: number;
  endedAt: number;
}

function send(agent: http.Agent, job: QueueClientJob, token: string, method: string, path: string, body: object) {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise<Answer>((resolve, reject) => {
    const startedAt = performance.now();
    const req = http.request(
      `${job.base}${path}`,
      {
        method,
        agent,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          'Content-Length': payload.length,
          Accept: 'application/json',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            startedAt,
            endedAt: performance.now(),
          }),
        );
        res.on('error', reject);
      },
    );
    // A hub that stops answering (e.g. its connection pool deadlocked) ends the run instead of hanging it.
    req.setTimeout(REQUEST_TIMEOUT_MS, () =>
      req.destroy(new Error(`${method} ${path}: no answer in ${REQUEST_TIMEOUT_MS} ms`)),
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const FINDINGS = '窦性心律，心率 72 次/分。P 波、QRS 波群及 ST-T 未见明显异常。PR 间期 0.16 s，QTc 0.41 s。';
const IMPRESSION = '正常心电图';

async function run(job: QueueClientJob): Promise<QueueClientReport> {
  const started = performance.now();
  const windowStart = started + job.warmupSeconds * 1000;
  const windowEnd = windowStart + job.measureSeconds * 1000;
  const inWindow = (t: number) => t >= windowStart && t < windowEnd;
  const report: QueueClientReport = {
    windowSeconds: job.measureSeconds,
    claims: 0,
    emptyClaims: 0,
    completes: 0,
    claimMs: [],
    saveMs: [],
    signMs: [],
    errors: {},
    clientCpuMs: 0,
  };
  const fail = (step: string, a: Answer) => {
    const key = `${step} ${a.status}`;
    report.errors[key] = (report.errors[key] ?? 0) + 1;
    if (report.errors[key] === 1) console.error(`queue client: ${key}: ${a.body.slice(0, 300)}`);
  };

  let taken = 0;
  const progress = setInterval(() => {
    if (taken > 0) process.send!({ type: 'taken', tasks: taken } satisfies QueueClientMessage);
    taken = 0;
  }, 200);
  let cpuAtStart: NodeJS.CpuUsage | undefined;
  setTimeout(() => {
    cpuAtStart = process.cpuUsage();
    process.send!({ type: 'window', edge: 'start' } satisfies QueueClientMessage);
  }, windowStart - started);
  const windowClosed = new Promise<void>((resolve) =>
    setTimeout(() => {
      const cpu = process.cpuUsage(cpuAtStart);
      report.clientCpuMs = (cpu.user + cpu.system) / 1000;
      process.send!({ type: 'window', edge: 'end' } satisfies QueueClientMessage);
      resolve();
    }, windowEnd - started),
  );

  const agents = job.tokens.map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  await Promise.all(
    job.tokens.map(async (token, i) => {
      const agent = agents[i]!;
      while (performance.now() < windowEnd) {
        const claim = await send(agent, job, token, 'POST', `/api/centres/${job.centreId}/claim`, {});
        if (inWindow(claim.startedAt)) report.claimMs.push(claim.endedAt - claim.startedAt);
        if (claim.status === 204) {
          if (inWindow(claim.endedAt)) report.emptyClaims++;
          continue;
        }
        if (claim.status !== 200) {
          fail('claim', claim);
          continue;
        }
        taken++;
        if (inWindow(claim.endedAt)) report.claims++;
        if (job.mode === 'claim') continue;

        const task = JSON.parse(claim.body) as { id: string; fencingToken: number };
        const fencingToken = task.fencingToken;
        const save = await send(agent, job, token, 'PUT', `/api/tasks/${task.id}/report`, {
          fencingToken,
          findings: FINDINGS,
          impression: IMPRESSION,
        });
        if (inWindow(save.startedAt)) report.saveMs.push(save.endedAt - save.startedAt);
        if (save.status !== 200) {
          fail('save', save);
          continue;
        }
        const sign = await send(agent, job, token, 'POST', `/api/tasks/${task.id}/sign`, { fencingToken });
        if (inWindow(sign.startedAt)) report.signMs.push(sign.endedAt - sign.startedAt);
        if (sign.status !== 200) {
          fail('sign', sign);
          continue;
        }
        if (inWindow(sign.endedAt)) report.completes++;
      }
    }),
  );
  await windowClosed;
  clearInterval(progress);
  if (taken > 0) process.send!({ type: 'taken', tasks: taken } satisfies QueueClientMessage);
  for (const agent of agents) agent.destroy();
  for (const list of [report.claimMs, report.saveMs, report.signMs]) list.sort((x, y) => x - y);
  return report;
}

const job = JSON.parse(process.argv[2]!) as QueueClientJob;
run(job).then(
  (report) => process.send!({ type: 'report', report } satisfies QueueClientMessage, () => process.exit(0)),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
