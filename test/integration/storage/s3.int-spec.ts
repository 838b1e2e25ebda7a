import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Client } from 'minio';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { S3ObjectStore, type S3ObjectStoreOptions } from '@hub/storage';
import { startS3TestServer, type S3TestServer } from '../../support/s3-test-server.js';
import { describeObjectStoreContract } from './object-store.contract.js';

let server: S3TestServer;
let bucketCounter = 0;

beforeAll(async () => {
  server = await startS3TestServer();
});

afterAll(async () => {
  await server?.stop();
});

function optionsFor(bucket: string): S3ObjectStoreOptions {
  return {
    endPoint: server.endPoint,
    port: server.port,
    useSSL: false,
    accessKey: server.accessKey,
    secretKey: server.secretKey,
    bucket,
    region: server.region,
  };
}

/** A fresh bucket per test keeps listKeys assertions independent. */
async function freshStore(): Promise<S3ObjectStore> {
  bucketCounter += 1;
  const store = new S3ObjectStore(optionsFor(`hub-test-${bucketCounter}-${randomBytes(3).toString('hex')}`));
  await store.ensureBucket();
  return store;
}

async function tempKeys(store: S3ObjectStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const item of store.listTempKeys()) {
    keys.push(item.key);
  }
  return keys;
}

describeObjectStoreContract('S3 (s3rver)', async () => {
  const store = await freshStore();
  return { store, tempLeftovers: () => tempKeys(store), dispose: async () => undefined };
});

describe('S3ObjectStore specifics', () => {
  it('uses the configured bucket `hub` and ensureBucket is idempotent', async () => {
    const store = new S3ObjectStore(optionsFor(server.bucket));
    await store.ensureBucket();
    await store.ensureBucket();
    await expect(store.ping()).resolves.toBeUndefined();
    const stored = await store.put(Readable.from([Buffer.from('in the hub bucket')]));
    expect((await store.stat(stored.key))?.size).toBe(17);
    await store.delete(stored.key);
  });

  it('drives multipart itself above one part, never listing unfinished uploads, and a single PUT below', async () => {
    const store = await freshStore();
    server.requests.length = 0;
    const big = await store.put(Readable.from([randomBytes(20 * 1024 * 1024 + 1)]));
    const bucketPath = `/${store.bucket}`;
    const calls = server.requests.map((r) => `${r.method} ${r.url}`);
    expect(calls.filter((c) => /^POST \/[^?]+\/tmp\/[^?]+\?uploads/.test(c))).toHaveLength(1);
    expect(calls.filter((c) => /^PUT \/[^?]+\/tmp\/[^?]+\?.*partNumber=/.test(c))).toHaveLength(3);
    expect(calls.filter((c) => /^POST \/[^?]+\/tmp\/[^?]+\?uploadId=/.test(c))).toHaveLength(1);
    expect(calls.some((c) => c.startsWith(`GET ${bucketPath}?uploads`))).toBe(false);
    expect((await store.stat(big.key))?.size).toBe(20 * 1024 * 1024 + 1);

    server.requests.length = 0;
    await store.put(Readable.from([randomBytes(1024)]));
    const smallCalls = server.requests.map((r) => `${r.method} ${r.url}`);
    expect(smallCalls.filter((c) => c.includes('?uploads'))).toEqual([]);
    expect(smallCalls.filter((c) => /^PUT \/[^?]+\/tmp\/[^?]+$/.test(c))).toHaveLength(1);
  });

  it('tries to abort the multipart upload when the body fails after parts went up', async () => {
    const store = await freshStore();
    server.requests.length = 0;
    let sent = 0;
    const failing = new Readable({
      read() {
        if (sent >= 17 * 1024 * 1024) {
          this.destroy(new Error('client went away'));
          return;
        }
        sent += 1024 * 1024;
        this.push(randomBytes(1024 * 1024));
      },
    });
    await expect(store.put(failing)).rejects.toThrow('client went away');
    const calls = server.requests.map((r) => `${r.method} ${r.url}`);
    // s3rver refuses aborts (405), which the store tolerates; a real S3 drops the parts.
    expect(calls.filter((c) => /^DELETE \/[^?]+\/tmp\/[^?]+\?uploadId=/.test(c))).toHaveLength(1);
    expect(calls.filter((c) => /^DELETE \/[^?]+\/tmp\/[^?]+$/.test(c))).toHaveLength(1);
    expect(await tempKeys(store)).toEqual([]);
  });

  it('ping fails for a missing bucket', async () => {
    const store = new S3ObjectStore(optionsFor('no-such-bucket'));
    await expect(store.ping()).rejects.toThrow('does not exist');
  });

  it('removeStaleUploads removes only temp keys older than the cut-off', async () => {
    const store = await freshStore();
    const client = new Client({ ...optionsFor(store.bucket) });
    await client.putObject(store.bucket, 'tmp/left-by-a-crash', Buffer.from('partial'));
    const kept = await store.put(Readable.from([Buffer.from('kept')]));
    expect(await store.removeStaleUploads(30)).toBe(0);
    expect(await tempKeys(store)).toEqual(['tmp/left-by-a-crash']);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await store.removeStaleUploads(0)).toBe(1);
    expect(await tempKeys(store)).toEqual([]);
    expect(await store.stat(kept.key)).not.toBeNull();
  });
});
