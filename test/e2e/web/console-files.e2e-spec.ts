import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/test-app.js';

/** The console's files over plain HTTP, from a console folder of the test's own (no browser needed). */
describe('web console: files, pages, and the hub paths they never shadow', () => {
  let t: TestApp;
  let webDir: string;

  beforeAll(async () => {
    webDir = await mkdtemp(path.join(os.tmpdir(), 'hub-web-'));
    const put = async (file: string, body: string) => {
      await mkdir(path.dirname(path.join(webDir, file)), { recursive: true });
      await writeFile(path.join(webDir, file), body);
    };
    await put('index.html', '<!doctype html><title>console</title>');
    await put('assets/app-3f2a.js', 'console.log(1)');
    // Files a console build would never have, named like hub routes: the routes must still answer.
    await put('health/live', 'a file');
    await put('api/auth/me', 'a file');
    t = await startTestApp({ WEB_DIR: webDir });
  });
  afterAll(async () => {
    await t.close();
    await rm(webDir, { recursive: true, force: true });
  });

  it('serves hashed assets for a year and pages as index.html, revalidated', async () => {
    const asset = await request(t.http).get('/assets/app-3f2a.js').expect(200);
    expect(asset.text).toBe('console.log(1)');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const page = await request(t.http).get('/reader/worklist').set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('<title>console</title>');
    expect(page.headers['cache-control']).toBe('no-cache');
    await request(t.http).get('/assets/missing.js').expect(404);
  });

  it('answers the hub paths itself, whatever the console folder holds', async () => {
    const live = await request(t.http).get('/health/live').expect(200);
    expect(live.text).not.toBe('a file');
    const me = await request(t.http).get('/api/auth/me').expect(401);
    expect(me.body).toMatchObject({ statusCode: 401 });
  });
});
