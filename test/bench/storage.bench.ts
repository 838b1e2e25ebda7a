import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { LocalDiskObjectStore, S3ObjectStore, type ObjectStore } from '@hub/storage';
import { startS3TestServer } from '../support/s3-test-server.js';
import type { BenchResult } from './bench-result.js';

const MiB = 1024 * 1024;
const BODY_BYTES = 256 * MiB;
const CHUNK_BYTES = 256 * 1024;

/** A body generated chunk by chunk, as an upload would arrive; never held in memory as a whole. */
function generatedBody(total: number): Readable {
  const pattern = randomBytes(CHUNK_BYTES);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) {
        this.push(null);
        return;
      }
      const size = Math.min(CHUNK_BYTES, total - sent);
      const chunk = Buffer.allocUnsafe(size);
      pattern.copy(chunk, 0, 0, size);
      chunk.writeUInt32BE(sent / CHUNK_BYTES, 0);
      sent += size;
      this.push(chunk);
    },
  });
}

/** Runs `work`, returning its duration and the peak RSS growth seen while it ran. */
async function measure<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; peakRssGrowth: number }> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const started = process.hrtime.bigint();
  try {
    const result = await work();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, seconds, peakRssGrowth: peak - baseline };
  } finally {
    clearInterval(sampler);
  }
}

async function drain(stream: Readable): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += (chunk as Buffer).length;
  }
  return bytes;
}

const round = (value: number): number => Math.round(value * 10) / 10;

async function benchStore(name: string, store: ObjectStore): Promise<BenchResult> {
  const put = await measure(() => store.put(generatedBody(BODY_BYTES)));
  if (put.result.size !== BODY_BYTES) {
    throw new Error(`${name}: put stored ${put.result.size} bytes, expected ${BODY_BYTES}`);
  }
  const get = await measure(async () => drain(await store.get(put.result.key)));
  if (get.result !== BODY_BYTES) {
    throw new Error(`${name}: get returned ${get.result} bytes, expected ${BODY_BYTES}`);
  }
  await store.delete(put.result.key);
  return {
    name,
    figures: {
      'body MiB': BODY_BYTES / MiB,
      'put MB/s': round(BODY_BYTES / 1e6 / put.seconds),
      'put peak RSS growth MB': round(put.peakRssGrowth / 1e6),
      'get MB/s': round(BODY_BYTES / 1e6 / get.seconds),
      'get peak RSS growth MB': round(get.peakRssGrowth / 1e6),
    },
  };
}

/** Put and get throughput and peak memory growth for a 256 MiB generated stream, on both object store adapters. */
export async function runStorageBench(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];

  const root = await mkdtemp(path.join(os.tmpdir(), 'hub-bench-objects-'));
  try {
    results.push(
      await benchStore('storage: local disk (put includes SHA-256 and fsync)', new LocalDiskObjectStore(root)),
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }

  const server = await startS3TestServer();
  try {
    const store = new S3ObjectStore({
      endPoint: server.endPoint,
      port: server.port,
      useSSL: server.useSSL,
      accessKey: server.accessKey,
      secretKey: server.secretKey,
      bucket: server.bucket,
      region: server.region,
    });
    await store.ensureBucket();
    // s3rver runs in this process over loopback, so its own work and memory are part of these figures.
    results.push(
      await benchStore('storage: S3 via in-process s3rver (put includes SHA-256, multipart and copy)', store),
    );
  } finally {
    await server.stop();
  }

  return results;
}
