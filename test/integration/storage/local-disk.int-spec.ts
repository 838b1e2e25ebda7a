import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { LocalDiskObjectStore } from '@hub/storage';
import { describeObjectStoreContract } from './object-store.contract.js';

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return [];
    }
    throw error;
  }
}

describeObjectStoreContract('local disk', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'hub-objects-'));
  const store = new LocalDiskObjectStore(root);
  return {
    store,
    tempLeftovers: () => listDir(store.tempDir),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
});

describe('LocalDiskObjectStore specifics', () => {
  let root: string;
  let store: LocalDiskObjectStore;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'hub-objects-'));
    store = new LocalDiskObjectStore(path.join(root, 'objects'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('lays objects out as <root>/sha256/ab/cd/<hex>', async () => {
    const stored = await store.put(Readable.from([Buffer.from('hello')]));
    const hex = stored.sha256;
    expect(await readdir(path.join(root, 'objects', 'sha256', hex.slice(0, 2), hex.slice(2, 4)))).toEqual([hex]);
    expect(await readdir(store.tempDir)).toEqual([]);
  });

  it('stores again after its object directories were removed behind its back', async () => {
    const first = await store.put(Readable.from([Buffer.from('hello')]));
    await rm(path.join(root, 'objects', 'sha256'), { recursive: true });
    const again = await store.put(Readable.from([Buffer.from('hello')]));
    expect(again.key).toBe(first.key);
    expect(await store.stat(again.key)).toMatchObject({ size: 5 });
    expect(await readdir(store.tempDir)).toEqual([]);
  });

  it('keeps one file when the same bytes come again, whether whole or streamed', async () => {
    const bytes = Buffer.alloc(3 * 1024 * 1024, 9);
    const whole = await store.put(Readable.from([bytes.subarray(0, 1000)]));
    const wholeAgain = await store.put(Readable.from([bytes.subarray(0, 1000)]));
    const streamed = await store.put(Readable.from([bytes.subarray(0, 1024 * 1024), bytes.subarray(1024 * 1024)]));
    const streamedAgain = await store.put(Readable.from([bytes]));
    expect(wholeAgain.key).toBe(whole.key);
    expect(streamedAgain).toEqual(streamed);
    expect(streamed.size).toBe(bytes.length);
    const hex = streamed.sha256;
    expect(await readdir(path.join(root, 'objects', 'sha256', hex.slice(0, 2), hex.slice(2, 4)))).toEqual([hex]);
    expect(await readdir(store.tempDir)).toEqual([]);
  });

  it('removes only stale temp files', async () => {
    await store.ping();
    const stale = path.join(store.tempDir, '0b6b3a1e-4a4b-4c4d-8e8f-000000000001.part');
    const fresh = path.join(store.tempDir, '0b6b3a1e-4a4b-4c4d-8e8f-000000000002.part');
    const foreign = path.join(store.tempDir, 'keep-me.txt');
    await Promise.all([writeFile(stale, 'x'), writeFile(fresh, 'y'), writeFile(foreign, 'z')]);
    const hourAgo = new Date(Date.now() - 60 * 60_000);
    await utimes(stale, hourAgo, hourAgo);
    await utimes(foreign, hourAgo, hourAgo);
    expect(await store.removeStaleUploads(30)).toBe(1);
    expect((await readdir(store.tempDir)).sort()).toEqual([path.basename(fresh), 'keep-me.txt'].sort());
  });

  it('ignores stray files under sha256/ when listing keys', async () => {
    const stored = await store.put(Readable.from([Buffer.from('listed')]));
    const dir = path.dirname(path.join(root, 'objects', stored.key));
    await writeFile(path.join(dir, 'not-a-digest'), 'x');
    const keys: string[] = [];
    for await (const key of store.listKeys()) {
      keys.push(key);
    }
    expect(keys).toEqual([stored.key]);
  });

  it('ping fails when the root is not writable', async () => {
    const file = path.join(root, 'a-file');
    await writeFile(file, 'x');
    await expect(new LocalDiskObjectStore(path.join(file, 'objects')).ping()).rejects.toThrow();
  });
});
