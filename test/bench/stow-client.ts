/**
 * The STOW-RS load generator, run as its own process (see driveStow), so the server under test has the hub's event
 * loop to itself and both servers face the same client. Plain node:http with keep-alive: fetch copies each body
 * through a web stream, which cost several ms of CPU per 257 KiB instance on this 2-core machine.
 */
import http from 'node:http';
import { PIXEL_BYTES, STOW_BOUNDARY, stowBody } from './stow-body.js';

export interface StowClientJob {
  url: string;
  headers: Record<string, string>;
  level: number;
  concurrency: number;
  count: number;
}

export interface StowClientReport {
  seconds: number;
  bytes: number;
  instanceBytes: number;
  /** Sorted, in ms. */
  latencies: number[];
  /** CPU time of this client process, ms per instance. */
  clientCpuMs: number;
}

function post(agent: http.Agent, job: StowClientJob, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      job.url,
      {
        method: 'POST',
        agent,
        headers: {
          'Content-Type': `multipart/related; type="application/dicom"; boundary=${STOW_BOUNDARY}`,
          'Content-Length': body.length,
          Accept: 'application/dicom+json',
          ...job.headers,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`STOW answered ${res.statusCode}`)),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function run(job: StowClientJob): Promise<StowClientReport> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const pixels = Buffer.alloc(PIXEL_BYTES, 7);
  const latencies: number[] = [];
  let bytes = 0;
  let instanceBytes = 0;
  let next = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (next < job.count) {
        // Built just before sending: no queue of prepared bodies.
        const body = stowBody(job.level, next++, pixels);
        bytes += body.length;
        instanceBytes = body.length;
        const t0 = performance.now();
        await post(agent, job, body);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  return {
    seconds,
    bytes,
    instanceBytes,
    latencies: latencies.sort((x, y) => x - y),
    clientCpuMs: (cpu.user + cpu.system) / 1000 / job.count,
  };
}

const job = JSON.parse(process.argv[2]!) as StowClientJob;
run(job).then(
  (report) => process.send!(report, () => process.exit(0)),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
