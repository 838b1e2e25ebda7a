import { mkdtemp, rm } from 'node:fs/promises';
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
