import { fork } from 'node:child_process';
import type { BenchResult } from './bench-result.js';
import { startBenchHub } from './bench-hub.js';
import { type OrthancServer, orthancMissing, startOrthanc } from './orthanc.js';
import type { StowClientJob, StowClientReport } from './stow-client.js';

const INSTANCES_PER_LEVEL = 1500;
const CONCURRENCY = [1, 4, 8];

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** A STOW-RS server under load: where to send, and how to read its peak memory while it works. */
interface StowTarget {
  name: string;
  url: string;
  headers: Record<string, string>;
  rssLabel: string;
  /** Starts watching memory; the returned function stops and gives the peak RSS in bytes. */
  watchPeakRss(): Promise<() => Promise<number>>;
}

/** Runs the load generator in its own process and waits for its report. */
function runStowClient(job: StowClientJob): Promise<StowClientReport> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./stow-client.js', import.meta.url), [JSON.stringify(job)], { stdio: 'inherit' });
    let report: StowClientReport | undefined;
    child.once('message', (m) => (report = m as StowClientReport));
    child.once('error', reject);
    child.once('exit', (code) =>
      report ? resolve(report) : reject(new Error(`the STOW-RS client exited with ${code} before reporting`)),
    );
  });
}

/**
 * Sends INSTANCES_PER_LEVEL instances to one target from a client process, `concurrency` requests in flight, one
 * instance per request; the bodies depend only on (level, n), so every target gets the same bytes.
 */
async function driveStow(target: StowTarget, level: number, concurrency: number): Promise<BenchResult> {
  const stopWatching = await target.watchPeakRss();
  const report = await runStowClient({
    url: target.url,
    headers: target.headers,
    level,
    concurrency,
    count: INSTANCES_PER_LEVEL,
  });
  const peak = await stopWatching();
  const { seconds, latencies } = report;
  return {
    name: `ingest into ${target.name}: STOW-RS, one ${Math.round(report.instanceBytes / 1024)} KiB instance per request, concurrency ${concurrency}`,
    figures: {
      instances: INSTANCES_PER_LEVEL,
      'instances/s': Number((INSTANCES_PER_LEVEL / seconds).toFixed(1)),
      'MB/s': Number((report.bytes / 1e6 / seconds).toFixed(1)),
      'p50 ms': Number(percentile(latencies, 50).toFixed(1)),
      'p99 ms': Number(percentile(latencies, 99).toFixed(1)),
      [target.rssLabel]: Number((peak / 1e6).toFixed(0)),
      'client CPU ms/instance': Number(report.clientCpuMs.toFixed(2)),
    },
  };
}

const watchOwnPeakRss = async () => {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  return async () => {
    clearInterval(sampler);
    return Math.max(peak, process.memoryUsage().rss);
  };
};

/**
 * STOW-RS ingest through the whole hub (HTTP, auth, streaming parse, object store on local disk, index in the embedded
 * PostgreSQL), the client in its own process: instances/s, MB/s, request latency and the process's peak RSS. When
 * Orthanc with its DICOMweb plugin is installed, the same instances go to it at each level too, for comparison.
 */
export async function runIngestBench(): Promise<BenchResult[]> {
  const missing = orthancMissing();
  if (missing) console.log(missing);
  const hub = await startBenchHub();
  let orthanc: OrthancServer | undefined;
  const results: BenchResult[] = [];
  try {
    const ours: StowTarget = {
      name: 'the hub',
      url: `${hub.base}/dicomweb/studies`,
      headers: { Authorization: `Bearer ${hub.technicianToken}` },
      rssLabel: 'peak RSS MB (hub process)',
      watchPeakRss: watchOwnPeakRss,
    };
    if (!missing) orthanc = await startOrthanc();
    const server = orthanc;
    const peer: StowTarget | undefined = server && {
      name: `Orthanc ${server.version}`,
      url: server.stowUrl,
      headers: {},
      rssLabel: 'peak RSS MB (Orthanc process)',
      watchPeakRss: async () => {
        await server.resetPeakRss();
        return () => server.peakRss();
      },
    };
    for (const [level, concurrency] of CONCURRENCY.entries()) {
      const hubResult = await driveStow(ours, level, concurrency);
      results.push(hubResult);
      if (!peer) continue;
      const peerResult = await driveStow(peer, level, concurrency);
      const rate = (r: BenchResult) => r.figures['instances/s'] as number;
      peerResult.figures['hub ÷ Orthanc instances/s'] = Number((rate(hubResult) / rate(peerResult)).toFixed(2));
      results.push(peerResult);
    }
  } finally {
    await orthanc?.stop();
    await hub.close();
  }
  return results;
}
