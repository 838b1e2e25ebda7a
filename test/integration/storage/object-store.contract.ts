import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DomainError } from '@hub/core';
import { objectKeyFor, type ObjectStore, type StoredObject } from '@hub/storage';

/** One store under test, with a way to see the adapter's temporary leftovers (temp files or `tmp/` keys). */
export interface ObjectStoreContractSubject {
  store: ObjectStore;
  tempLeftovers(): Promise<string[]>;
  dispose(): Promise<void>;
}

const MiB = 1024 * 1024;

const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  }
  return Buffer.concat(chunks);
}

async function allKeys(store: ObjectStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.listKeys()) {
    keys.push(key);
  }
  return keys;
}

/** Emits random chunks totalling `bytes`, then fails like a dropped connection. */
function interruptedStream(bytes: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= bytes) {
        this.destroy(new Error('connection reset by peer'));
        return;
      }
      const size = Math.min(256 * 1024, bytes - sent);
      sent += size;
      this.push(randomBytes(size));
    },
  });
}

/** Generates `total` bytes in fresh chunks (never the whole body at once) and hashes them as they go out. */
function generatedStream(total: number, chunkSize = 256 * 1024): { stream: Readable; expectedSha256: () => string } {
  const pattern = randomBytes(chunkSize);
  const hash = createHash('sha256');
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent >= total) {
        this.push(null);
        return;
      }
      const size = Math.min(chunkSize, total - sent);
      const chunk = Buffer.allocUnsafe(size);
      pattern.copy(chunk, 0, 0, size);
      chunk.writeUInt32BE(sent / chunkSize, 0);
      sent += size;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, expectedSha256: () => hash.digest('hex') };
}

export function describeObjectStoreContract(name: string, factory: () => Promise<ObjectStoreContractSubject>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let subject: ObjectStoreContractSubject;
    let store: ObjectStore;

    beforeEach(async () => {
      subject = await factory();
      store = subject.store;
    });

    afterEach(async () => {
      await subject.dispose();
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('put reports the content address, size and SHA-256 of the bytes', async () => {
      const bytes = randomBytes(100_000);
      const stored = await store.put(Readable.from([bytes]), { contentType: 'application/dicom' });
      const hex = sha256Of(bytes);
      expect(stored).toEqual({
        key: `sha256/${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex}`,
        size: bytes.length,
        sha256: hex,
      });
      expect(stored.key).toBe(objectKeyFor(hex));
    });

    it('get streams back identical bytes, also across several upload parts', async () => {
      for (const size of [0, 1, 3 * MiB, 20 * MiB + 123]) {
        const bytes = randomBytes(size);
        // Many small chunks, as a network upload would deliver them.
        const chunks: Buffer[] = [];
        for (let offset = 0; offset < bytes.length; offset += 64 * 1024) {
          chunks.push(bytes.subarray(offset, offset + 64 * 1024));
        }
        const stored = await store.put(Readable.from(chunks));
        expect(stored.size).toBe(size);
        expect(stored.sha256).toBe(sha256Of(bytes));
        const back = await readAll(await store.get(stored.key));
        expect(back.length).toBe(size);
        expect(back.equals(bytes)).toBe(true);
      }
      expect(await subject.tempLeftovers()).toEqual([]);
    });

    it('stat reports size and modification time; a missing key is null', async () => {
      const bytes = randomBytes(4321);
      const before = Date.now();
      const stored = await store.put(Readable.from([bytes]));
      const stat = await store.stat(stored.key);
      expect(stat).not.toBeNull();
      expect(stat!.key).toBe(stored.key);
      expect(stat!.size).toBe(4321);
      expect(stat!.lastModified).toBeInstanceOf(Date);
      // Second-granularity backends (HTTP dates) round down.
      expect(stat!.lastModified.getTime()).toBeGreaterThanOrEqual(before - 2000);
      expect(await store.stat(objectKeyFor(sha256Of(randomBytes(8))))).toBeNull();
    });

    it('get of a missing key fails with not_found', async () => {
      const missing = objectKeyFor(sha256Of(randomBytes(8)));
      await expect(store.get(missing)).rejects.toBeInstanceOf(DomainError);
      await expect(store.get(missing)).rejects.toMatchObject({ kind: 'not_found' });
    });

    it('delete removes the object and is idempotent', async () => {
      const stored = await store.put(Readable.from([randomBytes(2048)]));
      await store.delete(stored.key);
      expect(await store.stat(stored.key)).toBeNull();
      await expect(store.delete(stored.key)).resolves.toBeUndefined();
      await expect(store.delete(objectKeyFor(sha256Of(randomBytes(8))))).resolves.toBeUndefined();
      expect(await allKeys(store)).toEqual([]);
    });

    it('the same bytes put twice give the same key and one object', async () => {
      const bytes = randomBytes(50_000);
      const first = await store.put(Readable.from([bytes]));
      const second = await store.put(Readable.from([bytes.subarray(0, 10), bytes.subarray(10)]));
      expect(second).toEqual(first);
      const [third, fourth] = await Promise.all([store.put(Readable.from([bytes])), store.put(Readable.from([bytes]))]);
      expect(third).toEqual(first);
      expect(fourth).toEqual(first);
      expect(await allKeys(store)).toEqual([first.key]);
      expect(await subject.tempLeftovers()).toEqual([]);
    });

    it('listKeys lists every stored key', async () => {
      const stored = await Promise.all([1, 2, 3].map((n) => store.put(Readable.from([randomBytes(100 * n)]))));
      expect((await allKeys(store)).sort()).toEqual(stored.map((s) => s.key).sort());
    });

    it('accepts a body of exactly maxBytes', async () => {
      const bytes = randomBytes(1000);
      const stored = await store.put(Readable.from([bytes]), { maxBytes: 1000 });
      expect(stored.size).toBe(1000);
    });

    it.each([
      ['a small body', 1000, 1001],
      ['a body larger than one upload part', 10 * MiB, 12 * MiB],
    ])('refuses %s over maxBytes with too_large and leaves nothing behind', async (_label, maxBytes, size) => {
      const { stream } = generatedStream(size, 64 * 1024);
      const attempt = store.put(stream, { maxBytes });
      await expect(attempt).rejects.toBeInstanceOf(DomainError);
      await expect(attempt).rejects.toMatchObject({ kind: 'too_large' });
      expect(stream.destroyed).toBe(true);
      expect(await allKeys(store)).toEqual([]);
      expect(await subject.tempLeftovers()).toEqual([]);
    });

    it.each([
      ['early', 100_000],
      ['after several upload parts', 20 * MiB],
    ])('an interrupted write (%s) rejects and leaves nothing behind', async (_label, bytesBeforeError) => {
      await expect(store.put(interruptedStream(bytesBeforeError))).rejects.toThrow('connection reset by peer');
      expect(await allKeys(store)).toEqual([]);
      expect(await subject.tempLeftovers()).toEqual([]);
    });

    it('streams a 200 MB body with flat memory', async () => {
      const total = 200 * 1000 * 1000;
      const { stream, expectedSha256 } = generatedStream(total);
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 10);
      let stored: StoredObject;
      try {
        stored = await store.put(stream);
      } finally {
        clearInterval(sampler);
      }
      peak = Math.max(peak, process.memoryUsage().rss);
      expect(stored.size).toBe(total);
      expect(stored.sha256).toBe(expectedSha256());
      expect((await store.stat(stored.key))?.size).toBe(total);
      expect(await subject.tempLeftovers()).toEqual([]);
      // A memory bound, not a timing one: one buffered part plus stream buffers, far below the body size.
      expect(peak - baseline).toBeLessThan(100 * MiB);
    }, 300_000);

    it('rejects malformed keys with invalid, never touching a path built from them', async () => {
      const hex = sha256Of(Buffer.from('x'));
      const badKeys = [
        '',
        '../../etc/passwd',
        `sha256/../../${hex}`,
        `sha256/${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex}/`,
        `sha256/${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex.toUpperCase()}`,
        `sha256/00/00/${hex}`,
        `sha256/${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex.slice(0, 63)}`,
        `tmp/${hex}`,
        `/sha256/${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex}`,
      ];
      for (const key of badKeys) {
        await expect(store.get(key)).rejects.toMatchObject({ kind: 'invalid' });
        await expect(store.stat(key)).rejects.toMatchObject({ kind: 'invalid' });
        await expect(store.delete(key)).rejects.toMatchObject({ kind: 'invalid' });
        await expect(store.presignedGetUrl(key, 60)).rejects.toMatchObject({ kind: 'invalid' });
      }
      await expect(store.presignedPutUrl('not-a-digest', 60)).rejects.toMatchObject({ kind: 'invalid' });
    });

    it('presigned URLs: none on local disk; on S3 a PUT and a GET that work over plain HTTP', async () => {
      const bytes = randomBytes(30_000);
      const hex = sha256Of(bytes);
      const put = await store.presignedPutUrl(hex, 300);
      if (store.backend === 'local') {
        expect(put).toBeNull();
        const stored = await store.put(Readable.from([bytes]));
        expect(await store.presignedGetUrl(stored.key, 300)).toBeNull();
        return;
      }
      expect(put).not.toBeNull();
      expect(put!.key).toBe(objectKeyFor(hex));
      const upload = await fetch(put!.url, { method: 'PUT', body: bytes });
      expect(upload.status).toBe(200);
      expect((await readAll(await store.get(put!.key))).equals(bytes)).toBe(true);

      const url = await store.presignedGetUrl(put!.key, 300);
      expect(url).not.toBeNull();
      const download = await fetch(url!);
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
    });
  });
}
