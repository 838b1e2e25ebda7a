/**
 * npm run bench [name…]: runs the benchmarks (all, or those named) and prints their figures with the machine.
 * Benchmarks measure; they assert nothing. Copy the table into the README's Benchmarks section.
 */
import type { BenchResult } from './bench-result.js';
import { runDimseBench } from './dimse.bench.js';
import { describeMachine } from './machine.js';
import { runIngestBench } from './ingest.bench.js';
import { runMdtBench } from './mdt.bench.js';
import { runPathologyUploadBench } from './pathology-upload.bench.js';
import { runQueueBench } from './queue.bench.js';
import { runRecognitionBench } from './recognition.bench.js';
import { runStorageBench } from './storage.bench.js';

const benches: Record<string, () => Promise<BenchResult[]>> = {
  storage: runStorageBench,
  ingest: runIngestBench,
  pathology: runPathologyUploadBench,
  queue: runQueueBench,
  recognition: runRecognitionBench,
  mdt: runMdtBench,
  dimse: runDimseBench,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length ? wanted : Object.keys(benches);
  const unknown = names.filter((n) => !benches[n]);
  if (unknown.length)
    throw new Error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}`);
  console.log('Machine:', JSON.stringify(describeMachine()));
  for (const name of names) {
    const results = await benches[name]!();
    for (const r of results) {
      console.log(
        `| ${r.name} | ${Object.entries(r.figures)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ')} |`,
      );
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
