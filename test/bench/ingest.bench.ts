import { minimalDataset, writePart10 } from '../fixtures/dicom-writer.js';
import type { BenchResult } from './bench-result.js';
import { startBenchHub } from './bench-hub.js';
import { type OrthancServer, orthancMissing, startOrthanc } from './orthanc.js';

const INSTANCES_PER_LEVEL = 1500;
const PIXEL_BYTES = 256 * 1024; // about one 512×256 16-bit CT slice
const INSTANCES_PER_STUDY = 100;
const CONCURRENCY = [1, 4, 8];
const BOUNDARY = 'bench-boundary';

/** A synthetic CT instance with unique UIDs, as one STOW-RS request body (one instance per request, as a modality sends). */
function stowBody(level: number, n: number, pixels: Buffer): Buffer {
  const root = `1.2.826.0.1.3680043.2.1125.9${level}`;
  const study = Math.floor(n / INSTANCES_PER_STUDY);
  const file = writePart10(
    minimalDataset({
      override: {
        0x00080018: `${root}.3.${n}`,
        0x0020000d: `${root}.1.${study}`,
        0x0020000e: `${root}.2.${study}`,
      },
      extra: [
        { tag: 0x00100020, vr: 'LO', value: `BENCH-${level}-${study}` },
        { tag: 0x00200013, vr: 'IS', value: String(n % INSTANCES_PER_STUDY) },
        { tag: 0x7fe00010, vr: 'OW', value: pixels },
      ],
    }),
  );
  return Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

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

/**
 * Sends INSTANCES_PER_LEVEL instances to one target, `concurrency` requests in flight, one instance per request; the
 * bodies depend only on (level, n), so every target gets the same bytes.
 */
async function driveStow(target: StowTarget, level: number, concurrency: number, pixels: Buffer): Promise<BenchResult> {
  let bytes = 0;
  let instanceKiB = 0;
  const latencies: number[] = [];
  let next = 0;
  const stopWatching = await target.watchPeakRss();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < INSTANCES_PER_LEVEL) {
        // Built just before sending, so the RSS figure is the server's, not a queue of prepared bodies.
        const body = stowBody(level, next++, pixels);
        bytes += body.length;
        instanceKiB = Math.round(body.length / 1024);
        const t0 = performance.now();
        const res = await fetch(target.url, {
          method: 'POST',
          headers: {
            'Content-Type': `multipart/related; type="application/dicom"; boundary=${BOUNDARY}`,
            Accept: 'application/dicom+json',
            ...target.headers,
          },
          body,
        });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${target.name}: STOW answered ${res.status}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const peak = await stopWatching();
  latencies.sort((x, y) => x - y);
  return {
    name: `ingest into ${target.name}: STOW-RS, one ${instanceKiB} KiB instance per request, concurrency ${concurrency}`,
    figures: {
      instances: INSTANCES_PER_LEVEL,
      'instances/s': Number((INSTANCES_PER_LEVEL / seconds).toFixed(1)),
      'MB/s': Number((bytes / 1e6 / seconds).toFixed(1)),
      'p50 ms': Number(percentile(latencies, 50).toFixed(1)),
      'p99 ms': Number(percentile(latencies, 99).toFixed(1)),
      [target.rssLabel]: Number((peak / 1e6).toFixed(0)),
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
 * PostgreSQL), the client in the same process: instances/s, MB/s, request latency and the process's peak RSS. When
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
      rssLabel: 'peak RSS MB (hub and client in one process)',
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
    const pixels = Buffer.alloc(PIXEL_BYTES, 7);

    for (const [level, concurrency] of CONCURRENCY.entries()) {
      const hubResult = await driveStow(ours, level, concurrency, pixels);
      results.push(hubResult);
      if (!peer) continue;
      const peerResult = await driveStow(peer, level, concurrency, pixels);
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
