import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('operations: health, OpenAPI, headers, errors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('reports the database and the object store healthy, without a token', async () => {
    const res = await request(t.http).get('/health').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.info.database.status).toBe('up');
    expect(res.body.info.storage).toMatchObject({ status: 'up', backend: 'local' });
  });

  it('serves the OpenAPI document and its UI at /docs', async () => {
    const ui = await request(t.http).get('/docs').redirects(1).expect(200);
    expect(ui.text).toMatch(/swagger/i);
    const doc = await request(t.http).get('/docs/openapi.json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/auth/login',
      '/api/institutions',
      '/api/centres',
      '/api/users',
      '/api/audit',
      '/api/patients',
      '/api/studies',
      '/api/studies/{id}',
      '/api/studies/{id}/files/{fileId}',
      '/api/uploads',
      '/api/uploads/{id}',
      '/health',
    ]) {
      expect(Object.keys(doc.body.paths)).toContain(path);
    }
  });

  it('sends security headers and a request id, and hides the framework', async () => {
    const res = await request(t.http).get('/health').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['content-security-policy']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-request-id']).toMatch(/^[\w-]+$/);
  });

  it('answers unknown routes and malformed JSON with the error shape', async () => {
    const missing = await request(t.http).get('/api/nothing-here').set('Authorization', 'Bearer x');
    expect([401, 404]).toContain(missing.status);
    const bad = await request(t.http)
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"username": ')
      .expect(400);
    expect(bad.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'The request body is not valid JSON' });
  });
});
