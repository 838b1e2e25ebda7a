import request from 'supertest';
import type { TestApp } from './test-app.js';

/** A request as the holder of `token`, or anonymous when it is null. */
export const postAs = (t: TestApp, path: string, token: string | null, body: object) => {
  const req = request(t.http).post(path);
  return (token ? req.auth(token, { type: 'bearer' }) : req).send(body);
};

export const getAs = (t: TestApp, path: string, token: string | null) => {
  const req = request(t.http).get(path);
  return token ? req.auth(token, { type: 'bearer' }) : req;
};

/**
 * A response body parser that keeps the bytes as they came (a Buffer in `res.body`), for downloads compared byte for
 * byte: `.buffer(true).parse(collectBytes)`.
 */
export const collectBytes = (res: request.Response, done: (err: Error | null, body: Buffer) => void): void => {
  // At this point superagent hands over the raw response stream, not the parsed Response its type names.
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
};
