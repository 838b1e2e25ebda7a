import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** The slice of s3rver's (untyped, CommonJS) API that the tests use. */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
}
type S3rverConstructor = new (options: {
  port: number;
  address: string;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string }[];
}) => S3rverInstance;

export interface S3TestServer {
  endPoint: string;
  port: number;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
  useSSL: false;
  /** Where s3rver keeps its files (for tests that look at leftovers). */
  directory: string;
  /** Every request received so far (method and URL), for tests that check which S3 calls a client made. */
  requests: { method: string; url: string }[];
  /** Calls `listener` as each request arrives, before the server acts on it (e.g. to crash a client at that moment). */
  onRequest(listener: (req: IncomingMessage) => void): void;
  stop(): Promise<void>;
}

/** Starts s3rver on a free loopback port in a temporary folder, with the bucket `hub`. */
export async function startS3TestServer(): Promise<S3TestServer> {
  const require = createRequire(import.meta.url);
  const S3rver = require('s3rver') as S3rverConstructor;
  const directory = await mkdtemp(path.join(os.tmpdir(), 'hub-s3rver-'));
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    directory,
    silent: true,
    configureBuckets: [{ name: 'hub' }],
  });
  let address: AddressInfo;
  try {
    address = await server.run();
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  // s3rver removes a folder once its last object is deleted, while a PUT into that folder may be between creating it
  // and opening its file there: the open then fails with ENOENT on a stream without an error handler, which crashes
  // the test process. The hub's uploads all pass through tmp/ and are deleted from it concurrently, so a file s3rver
  // does not list (no ._S3rver_object suffix) keeps that folder from ever being empty.
  await mkdir(path.join(directory, 'hub', 'tmp'), { recursive: true });
  await writeFile(path.join(directory, 'hub', 'tmp', '.keep'), '');
  const requests: { method: string; url: string }[] = [];
  server.httpServer?.on('request', (req: IncomingMessage) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '' });
  });
  let stopped = false;
  return {
    endPoint: '127.0.0.1',
    port: address.port,
    accessKey: 'S3RVER',
    secretKey: 'S3RVER',
    bucket: 'hub',
    region: 'us-east-1',
    useSSL: false,
    directory,
    requests,
    onRequest(listener) {
      server.httpServer?.on('request', listener);
    },
    async stop() {
      if (stopped) {
        return;
      }
      stopped = true;
      // The client's keep-alive sockets would otherwise hold close() open until they time out.
      server.httpServer?.closeAllConnections();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** The hub's S3_* settings for this server (`port`: another way in, e.g. a proxy in front of it). */
export function s3EnvOf(s3: S3TestServer, opts: { port?: number } = {}): Record<string, string> {
  return {
    S3_ENDPOINT: s3.endPoint,
    S3_PORT: String(opts.port ?? s3.port),
    S3_USE_SSL: 'false',
    S3_ACCESS_KEY: s3.accessKey,
    S3_SECRET_KEY: s3.secretKey,
    S3_BUCKET: s3.bucket,
    S3_REGION: s3.region,
  };
}
