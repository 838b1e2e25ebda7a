import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getAs, postAs } from '../../support/http.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { expectError, HUGE, ISO_TIME, UNKNOWN_ID, UUID } from './registry-expect.js';

describe('registry: consortia', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let root: string;

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = await Promise.all([createTenant(t), createTenant(t)]);
    root = a.platformAdminToken;
  });
  afterAll(async () => {
    await t?.close();
  });

  const create = (token: string | null, body: object) => postAs(t, '/api/consortia', token, body);
  const get = (token: string | null, path: string) => getAs(t, path, token);

  describe('POST /api/consortia', () => {
    it('lets the platform administrator found a consortium', async () => {
      const res = await create(root, { code: 'NEW-1', name: '西湖区城市医疗集团' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        code: 'NEW-1',
        name: '西湖区城市医疗集团',
        createdAt: expect.stringMatching(ISO_TIME),
      });
      const back = await get(root, `/api/consortia/${res.body.id}`);
      expect(back.body).toEqual(res.body);
    });

    it("refuses a consortium's own administrator (403)", async () => {
      expectError(await create(a.tokens.admin, { code: 'NEW-2', name: 'n' }), 403, /platform administrator/);
    });

    it('refuses a role without admin (403)', async () => {
      expectError(await create(a.tokens.clinic_doctor, { code: 'NEW-3', name: 'n' }), 403, /admin/);
    });

    it('refuses a caller without a token (401)', async () => {
      expectError(await create(null, { code: 'NEW-4', name: 'n' }), 401);
    });

    it('names a missing field (400)', async () => {
      expectError(await create(root, { code: 'NEW-5' }), 400, /name/);
    });

    it('names a field of the wrong type (400)', async () => {
      expectError(await create(root, { code: 'NEW-6', name: 42 }), 400, /name must be a string/);
      expectError(await create(root, { code: ['NEW-6'], name: 'n' }), 400, /code/);
    });

    it('refuses a code with characters outside the allowed set (400)', async () => {
      expectError(await create(root, { code: 'has space', name: 'n' }), 400, /code may contain only/);
    });

    it('refuses an unknown field (400)', async () => {
      expectError(await create(root, { code: 'NEW-7', name: 'n', colour: 'red' }), 400, /colour should not exist/);
    });

    it('refuses oversize strings (400)', async () => {
      expectError(await create(root, { code: 'NEW-8', name: HUGE }), 400, /name must be shorter/);
      expectError(await create(root, { code: HUGE, name: 'n' }), 400, /code must be shorter/);
    });

    it('refuses a code already taken (409) and stores nothing', async () => {
      expectError(await create(root, { code: a.code, name: 'again' }), 409, new RegExp(a.code));
      const list = await get(root, '/api/consortia?limit=500');
      expect(list.body.items.filter((c: { code: string }) => c.code === a.code)).toHaveLength(1);
    });
  });

  describe('GET /api/consortia', () => {
    it('shows the platform administrator every consortium', async () => {
      const res = await get(root, '/api/consortia?limit=500');
      expect(res.status).toBe(200);
      const ids = res.body.items.map((c: { id: string }) => c.id);
      expect(ids).toEqual(expect.arrayContaining([a.consortiumId, b.consortiumId]));
      expect(res.body).toMatchObject({ total: expect.any(Number), limit: 500, offset: 0 });
    });

    it("shows a consortium's administrator only their own", async () => {
      const res = await get(a.tokens.admin, '/api/consortia');
      expect(res.status).toBe(200);
      expect(res.body.items.map((c: { id: string }) => c.id)).toEqual([a.consortiumId]);
      expect(res.body.total).toBe(1);
    });

    it('pages', async () => {
      const res = await get(root, '/api/consortia?limit=1&offset=1');
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(1);
      expectError(await get(root, '/api/consortia?limit=0'), 400, /limit/);
    });

    it('refuses other roles (403) and callers without a token (401)', async () => {
      expectError(await get(a.tokens.clinic_doctor, '/api/consortia'), 403);
      expectError(await get(null, '/api/consortia'), 401);
    });
  });

  describe('GET /api/consortia/:id', () => {
    it('shows members their own consortium', async () => {
      const res = await get(a.tokens.clinic_doctor, `/api/consortia/${a.consortiumId}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: a.consortiumId, code: a.code });
    });

    it('refuses another consortium (403)', async () => {
      expectError(await get(a.tokens.admin, `/api/consortia/${b.consortiumId}`), 403);
    });

    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      expectError(await get(root, `/api/consortia/${UNKNOWN_ID}`), 404, new RegExp(UNKNOWN_ID));
      expectError(await get(root, '/api/consortia/not-a-uuid'), 400, /uuid/i);
    });
  });
});
