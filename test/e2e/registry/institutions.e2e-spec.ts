import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getAs, postAs } from '../../support/http.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { expectError, HUGE, ISO_TIME, UNKNOWN_ID, UUID } from './registry-expect.js';

interface InstitutionBody {
  id: string;
  consortiumId: string;
  code: string;
}

describe('registry: institutions', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = await Promise.all([createTenant(t), createTenant(t)]);
  });
  afterAll(async () => {
    await t?.close();
  });

  const create = (token: string | null, body: object) => postAs(t, '/api/institutions', token, body);
  const get = (token: string | null, path: string) => getAs(t, path, token);
  const valid = (code: string) => ({ code, name: '转塘街道社区卫生服务中心', level: 'community' });

  describe('POST /api/institutions', () => {
    it("adds a member to the administrator's own consortium by default", async () => {
      const res = await create(a.tokens.admin, { ...valid('CH-1'), gridArea: '转塘网格' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        consortiumId: a.consortiumId,
        code: 'CH-1',
        name: '转塘街道社区卫生服务中心',
        level: 'community',
        gridArea: '转塘网格',
        createdAt: expect.stringMatching(ISO_TIME),
      });
      expect((await get(a.tokens.admin, `/api/institutions/${res.body.id}`)).body).toEqual(res.body);
    });

    it('leaves gridArea empty when not given', async () => {
      const res = await create(a.tokens.admin, { ...valid('VC-1'), level: 'village' });
      expect(res.status).toBe(201);
      expect(res.body.gridArea).toBeNull();
    });

    it('lets the platform administrator add to a named consortium, and asks him to name one', async () => {
      const res = await create(a.platformAdminToken, { ...valid('CH-2'), consortiumId: b.consortiumId });
      expect(res.status).toBe(201);
      expect(res.body.consortiumId).toBe(b.consortiumId);
      expectError(await create(a.platformAdminToken, valid('CH-3')), 400, /consortiumId/);
    });

    it('answers 404 for an unknown consortium', async () => {
      expectError(
        await create(a.platformAdminToken, { ...valid('CH-4'), consortiumId: UNKNOWN_ID }),
        404,
        /Consortium/,
      );
    });

    it('refuses an administrator acting on another consortium (403)', async () => {
      expectError(
        await create(a.tokens.admin, { ...valid('CH-5'), consortiumId: b.consortiumId }),
        403,
        /another consortium/,
      );
    });

    it('refuses a role without admin (403) and a caller without a token (401)', async () => {
      expectError(await create(a.tokens.clinic_doctor, valid('CH-6')), 403, /admin/);
      expectError(await create(a.tokens.coordinator, valid('CH-6')), 403);
      expectError(await create(null, valid('CH-6')), 401);
    });

    it('names a missing field (400)', async () => {
      expectError(await create(a.tokens.admin, { name: 'n', level: 'township' }), 400, /code/);
      expectError(await create(a.tokens.admin, { code: 'CH-7', name: 'n' }), 400, /level/);
    });

    it('names a field of the wrong type or value (400)', async () => {
      expectError(await create(a.tokens.admin, { ...valid('CH-8'), level: 'hospital' }), 400, /level must be one of/);
      expectError(await create(a.tokens.admin, { ...valid('CH-8'), name: 7 }), 400, /name must be a string/);
      expectError(
        await create(a.tokens.admin, { ...valid('CH-8'), consortiumId: 'abc' }),
        400,
        /consortiumId must be a UUID/,
      );
      expectError(await create(a.tokens.admin, { ...valid('CH-8'), gridArea: { x: 1 } }), 400, /gridArea/);
    });

    it('refuses an unknown field (400)', async () => {
      expectError(await create(a.tokens.admin, { ...valid('CH-9'), beds: 300 }), 400, /beds should not exist/);
    });

    it('refuses oversize strings (400)', async () => {
      expectError(await create(a.tokens.admin, { ...valid('CH-10'), name: HUGE }), 400, /name must be shorter/);
      expectError(await create(a.tokens.admin, { ...valid('CH-10'), gridArea: HUGE }), 400, /gridArea must be shorter/);
      expectError(await create(a.tokens.admin, valid(HUGE)), 400, /code must be shorter/);
    });

    it('refuses a code already used in the consortium (409), but not one used elsewhere', async () => {
      expectError(await create(a.tokens.admin, valid('LEAD')), 409, /LEAD/);
      const res = await create(a.tokens.admin, valid('LEAD-B-ONLY'));
      expect(res.status).toBe(201);
      const other = await create(b.tokens.admin, valid('LEAD-B-ONLY'));
      expect(other.status).toBe(201);
    });
  });

  describe('GET /api/institutions', () => {
    it("lists only the caller's consortium", async () => {
      for (const token of [a.tokens.admin, a.tokens.clinic_doctor, a.tokens.reader]) {
        const res = await get(token, '/api/institutions?limit=500');
        expect(res.status).toBe(200);
        const items = res.body.items as InstitutionBody[];
        expect(items.every((i) => i.consortiumId === a.consortiumId)).toBe(true);
        const ids = items.map((i) => i.id);
        expect(ids).toEqual(expect.arrayContaining([a.leadHospitalId, ...a.clinicIds]));
        expect(ids).not.toContain(b.leadHospitalId);
        expect(res.body.total).toBe(items.length);
      }
    });

    it('refuses a filter on another consortium (403)', async () => {
      expectError(await get(a.tokens.admin, `/api/institutions?consortiumId=${b.consortiumId}`), 403);
    });

    it('lets the platform administrator see all, or one consortium', async () => {
      const all = await get(a.platformAdminToken, '/api/institutions?limit=500');
      const allIds = (all.body.items as InstitutionBody[]).map((i) => i.id);
      expect(allIds).toEqual(expect.arrayContaining([a.leadHospitalId, b.leadHospitalId]));
      const onlyB = await get(a.platformAdminToken, `/api/institutions?consortiumId=${b.consortiumId}&limit=500`);
      expect((onlyB.body.items as InstitutionBody[]).every((i) => i.consortiumId === b.consortiumId)).toBe(true);
      expect((onlyB.body.items as InstitutionBody[]).map((i) => i.id)).toContain(b.leadHospitalId);
    });

    it('refuses a caller without a token (401) and a malformed filter (400)', async () => {
      expectError(await get(null, '/api/institutions'), 401);
      expectError(await get(a.tokens.admin, '/api/institutions?consortiumId=x'), 400, /consortiumId/);
    });
  });

  describe('GET /api/institutions/:id', () => {
    it('shows a member institution to any user of the consortium', async () => {
      const res = await get(a.tokens.clinic_technician, `/api/institutions/${a.leadHospitalId}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: a.leadHospitalId,
        consortiumId: a.consortiumId,
        level: 'tertiary',
        code: 'LEAD',
      });
    });

    it("refuses another consortium's institution (403)", async () => {
      expectError(await get(a.tokens.admin, `/api/institutions/${b.leadHospitalId}`), 403);
    });

    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      expectError(await get(a.tokens.admin, `/api/institutions/${UNKNOWN_ID}`), 404, new RegExp(UNKNOWN_ID));
      expectError(await get(a.tokens.admin, '/api/institutions/123'), 400, /uuid/i);
    });
  });
});
