import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createHubApp } from '../../apps/hub/src/create-hub-app.js';
import { seedDemo } from '../../apps/hub/src/demo/demo-seed.js';
import { minimalDataset, writePart10 } from '../fixtures/dicom-writer.js';
import type { BenchResult } from './bench-result.js';

const INSTANCES_PER_LEVEL = 1500;
const PIXEL_BYTES = 256 * 1024; // about one 512×256 16-bit CT slice
const INSTANCES_PER_STUDY = 100;
const CONCURRENCY = [1, 4, 8];
const BOUNDARY = 'bench-boundary';

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

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

/**
 * STOW-RS ingest through the whole hub (HTTP, auth, streaming parse, object store on local disk, index in the embedded
 * PostgreSQL), the client in the same process: instances/s, MB/s, request latency and the process's peak RSS.
 */
export async function runIngestBench(): Promise<BenchResult[]> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'hub-bench-ingest-'));
  const app = await createHubApp({
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(await freePort()),
    LOG_LEVEL: 'silent',
    ORPHAN_SWEEP_INTERVAL_MINUTES: '0',
    LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
  });
  const results: BenchResult[] = [];
  try {
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as net.AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    const { logins } = await seedDemo(app);
    const technician = logins.find((l) => l.role === 'clinic_technician')!;
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: technician.username, password: technician.password }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const pixels = Buffer.alloc(PIXEL_BYTES, 7);

    for (const [level, concurrency] of CONCURRENCY.entries()) {
      let bytes = 0;
      let instanceKiB = 0;
      const latencies: number[] = [];
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < INSTANCES_PER_LEVEL) {
            // Built just before sending, so the RSS figure is the hub's, not a queue of prepared bodies.
            const body = stowBody(level, next++, pixels);
            bytes += body.length;
            instanceKiB = Math.round(body.length / 1024);
            const t0 = performance.now();
            const res = await fetch(`${base}/dicomweb/studies`, {
              method: 'POST',
              headers: {
                'Content-Type': `multipart/related; type="application/dicom"; boundary=${BOUNDARY}`,
                Authorization: `Bearer ${accessToken}`,
              },
              body,
            });
            await res.arrayBuffer();
            if (res.status !== 200) throw new Error(`STOW answered ${res.status}`);
            latencies.push(performance.now() - t0);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      latencies.sort((x, y) => x - y);
      results.push({
        name: `ingest: STOW-RS, one ${instanceKiB} KiB instance per request, concurrency ${concurrency}`,
        figures: {
          instances: INSTANCES_PER_LEVEL,
          'instances/s': Number((INSTANCES_PER_LEVEL / seconds).toFixed(1)),
          'MB/s': Number((bytes / 1e6 / seconds).toFixed(1)),
          'p50 ms': Number(percentile(latencies, 50).toFixed(1)),
          'p99 ms': Number(percentile(latencies, 99).toFixed(1)),
          'peak RSS MB (hub and client in one process)': Number((peak / 1e6).toFixed(0)),
        },
      });
    }
  } finally {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  return results;
}
