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
