import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DomainError } from '@hub/core';
import { HashingMeterTransform, type ObjectStore } from '@hub/storage';
import { type FileDigest, fileProblem, type ObjectEntry, objectFile } from './backup-manifest.js';

/** Objects copied at once: the store's latency, not the machine, is what parallel copies hide. */
const PARALLEL = 4;

/** Runs `work` over `items` with at most PARALLEL at a time; resolves to the problems it reported, in item order. */
export async function eachInParallel<T>(
  items: readonly T[],
  work: (item: T) => Promise<string | null>,
): Promise<string[]> {
  const problems: (string | null)[] = new Array<string | null>(items.length).fill(null);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      problems[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, lane));
  return problems.filter((p): p is string => p !== null);
}

/**
 * Copies an object from the store into the backup folder, hashing it on the way; the bytes must be what the index
 * recorded (else the store is damaged: the scrub says more). Written under a temporary name first, so a file with the
 * final name is always complete.
 */
export async function copyObjectOut(store: ObjectStore, dir: string, object: ObjectEntry): Promise<string | null> {
  const file = objectFile(dir, object.key);
  await mkdir(path.dirname(file), { recursive: true });
  let source;
  try {
    source = await store.get(object.key);
  } catch (err) {
    if (err instanceof DomainError && err.kind === 'not_found') return `object ${object.key} is missing from the store`;
    throw err;
  }
  const meter = new HashingMeterTransform();
  const partial = `${file}.partial`;
  await pipeline(source, meter, createWriteStream(partial));
  const actual: FileDigest = { sha256: meter.sha256, size: meter.bytes };
  const problem = fileProblem(`object ${object.key} in the store`, object, actual);
  if (problem) {
    await rm(partial, { force: true });
    return problem;
  }
  await rename(partial, file);
  return null;
}

/** Puts an object of the backup (already verified) into the store; the store's content address must be its key. */
export async function copyObjectIn(store: ObjectStore, dir: string, object: ObjectEntry): Promise<string | null> {
  const stored = await store.put(createReadStream(objectFile(dir, object.key)));
  if (stored.key !== object.key || stored.size !== object.size)
    return `object ${object.key} was stored as ${stored.key} (${stored.size} bytes): it changed while restoring`;
  return null;
}
