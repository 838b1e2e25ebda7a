import { createHash } from 'node:crypto';
import http from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BenchResult } from './bench-result.js';
import { startBenchHub } from './bench-hub.js';

const SLIDE_BYTES = 2 * 1024 ** 3;
const CHUNK = 1024 * 1024;

/** A BigTIFF-headed stream of `size` bytes, generated as it is read (the client holds one chunk at a time). */
function slideStream(size: number, hash: ReturnType<typeof createHash>): Readable {
  let sent = 0;
  const tile = Buffer.alloc(CHUNK);
  for (let i = 0; i < CHUNK; i += 4) tile.writeUInt32LE((i * 2654435761) >>> 0, i);
  return new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      const n = Math.min(CHUNK, size - sent);
      const chunk = Buffer.from(tile.subarray(0, n));
      if (sent === 0) Buffer.from([0x49, 0x49, 0x2b, 0x00, 8, 0, 0, 0]).copy(chunk);
      chunk.writeUInt32LE(sent / CHUNK, n - 4); // every chunk differs
      sent += n;
      hash.update(chunk);
      this.push(chunk);
    },
  });
}

/** One tus PATCH carrying the whole body, streamed. */
function patchAll(url: string, token: string, body: Readable): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'PATCH',
      headers: {
        Authorization: `Bearer ${token}`,
        'Tus-Resumable': '1.0.0',
        'Upload-Offset': '0',
        'Content-Type': 'application/offset+octet-stream',
      },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    void pipeline(body, req).catch(reject);
  });
}

/**
 * A 2 GiB whole-slide image through the resumable upload endpoint (tus: create, one streamed PATCH), then filed as a
 * pathology study (moved into the object store with SHA-256 and fsync). The hub runs in this process, so the peak RSS
 * printed is the hub's and the client's together.
 */
export async function runPathologyUploadBench(): Promise<BenchResult[]> {
  const hub = await startBenchHub({ RESUMABLE_UPLOAD_MAX_BYTES: String(4 * 1024 ** 3) });
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const rssBefore = process.memoryUsage().rss;
    const created = await fetch(`${hub.base}/api/uploads`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${hub.technicianToken}`,
        'Tus-Resumable': '1.0.0',
        'Upload-Length': String(SLIDE_BYTES),
        'Upload-Metadata': `filename ${Buffer.from('bench-slide.svs').toString('base64')}`,
      },
    });
    if (created.status !== 201) throw new Error(`tus create answered ${created.status}`);
    const location = new URL(created.headers.get('location')!, hub.base).toString();
    const hash = createHash('sha256');
    const t0 = performance.now();
    const status = await patchAll(location, hub.technicianToken, slideStream(SLIDE_BYTES, hash));
    const uploadSeconds = (performance.now() - t0) / 1000;
    if (status !== 204) throw new Error(`tus PATCH answered ${status}`);

    const t1 = performance.now();
    const filed = await fetch(`${hub.base}/api/studies`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${hub.technicianToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        patient: { localId: 'BENCH-PATH-1', name: 'Bench^Slide' },
        discipline: 'pathology',
        examCode: 'PATH-WSI',
        performedAt: new Date().toISOString(),
        resumableUploads: [location.split('/').pop()],
      }),
    });
    const fileSeconds = (performance.now() - t1) / 1000;
    const study = (await filed.json()) as { files?: { sha256: string }[]; message?: string };
    if (filed.status !== 201) throw new Error(`filing answered ${filed.status}: ${study.message}`);
    if (study.files?.[0]?.sha256 !== hash.digest('hex')) throw new Error('the stored slide differs from what was sent');
    clearInterval(sampler);
    return [
      {
        name: 'pathology: one 2 GiB slide, tus upload (one streamed PATCH) then filed into the local-disk store',
        figures: {
          'upload MB/s': Number((SLIDE_BYTES / 1e6 / uploadSeconds).toFixed(1)),
          'filing s (SHA-256, copy, fsync)': Number(fileSeconds.toFixed(1)),
          'RSS before MB': Number((rssBefore / 1e6).toFixed(0)),
          'peak RSS MB': Number((Math.max(peak, process.memoryUsage().rss) / 1e6).toFixed(0)),
        },
      },
    ];
  } finally {
    clearInterval(sampler);
    await hub.close();
  }
}
