import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getAs, postAs } from '../../support/http.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { expectError, HUGE, ISO_TIME, UNKNOWN_ID, UUID } from './registry-expect.js';

interface CentreBody {
  id: string;
  consortiumId: string;
  discipline: string;
}

describe('registry: centres', () => {
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

  const create = (token: string | null, body: object) => postAs(t, '/api/centres', token, body);
  const get = (token: string | null, path: string) => getAs(t, path, token);
  const valid = (name: string) => ({
    name,
    discipline: 'ecg',
    hostInstitutionId: a.leadHospitalId,
    servedInstitutionIds: [a.clinicIds[0], a.clinicIds[1]],
  });
  const countOf = async (tenant: Tenant) =>
    (await get(tenant.tokens.admin, '/api/centres?limit=500')).body.total as number;

  describe('POST /api/centres', () => {
    it('creates a centre with the default SLA and two-step sign-off', async () => {
      const res = await create(a.tokens.admin, valid('胸痛心电中心'));
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        consortiumId: a.consortiumId,
        hostInstitutionId: a.leadHospitalId,
        name: '胸痛心电中心',
        discipline: 'ecg',
        sla: { stat: 30, urgent: 120, routine: 1440 },
        twoStepSignoff: true,
        servedInstitutionIds: [a.clinicIds[0], a.clinicIds[1]].sort(),
        createdAt: expect.stringMatching(ISO_TIME),
      });
      expect((await get(a.tokens.reader, `/api/centres/${res.body.id}`)).body).toEqual(res.body);
    });

    it('keeps a given SLA, one-step sign-off and an empty list of served institutions', async () => {
      const res = await create(a.tokens.admin, {
        ...valid('Night ECG'),
        servedInstitutionIds: [],
        sla: { stat: 15, urgent: 60, routine: 720 },
        twoStepSignoff: false,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        sla: { stat: 15, urgent: 60, routine: 720 },
        twoStepSignoff: false,
        servedInstitutionIds: [],
      });
    });

    it('refuses institutions of another consortium or unknown ones (422), naming them, and stores nothing', async () => {
      const before = await countOf(a);
      const foreignHost = await create(a.tokens.admin, { ...valid('X1'), hostInstitutionId: b.leadHospitalId });
      expectError(foreignHost, 422, `institution ${b.leadHospitalId} is not a member of consortium ${a.consortiumId}`);
      const foreignServed = await create(a.tokens.admin, {
        ...valid('X2'),
        servedInstitutionIds: [a.clinicIds[0], b.clinicIds[2]],
      });
      expectError(foreignServed, 422, `institution ${b.clinicIds[2]} is not a member of consortium ${a.consortiumId}`);
      const unknown = await create(a.tokens.admin, { ...valid('X3'), hostInstitutionId: UNKNOWN_ID });
      expectError(unknown, 422, `institution ${UNKNOWN_ID} does not exist`);
      expect(await countOf(a)).toBe(before);
    });

    it('refuses an administrator acting on another consortium (403)', async () => {
      expectError(
        await create(a.tokens.admin, { ...valid('X4'), consortiumId: b.consortiumId }),
        403,
        /another consortium/,
      );
    });

    it('refuses a role without admin (403) and a caller without a token (401)', async () => {
      expectError(await create(a.tokens.clinic_doctor, valid('X5')), 403, /admin/);
      expectError(await create(a.tokens.senior_reader, valid('X5')), 403);
      expectError(await create(null, valid('X5')), 401);
    });

    it('names a missing field (400)', async () => {
      const { discipline: _d, ...noDiscipline } = valid('X6');
      expectError(await create(a.tokens.admin, noDiscipline), 400, /discipline/);
      const { servedInstitutionIds: _s, ...noServed } = valid('X6');
      expectError(await create(a.tokens.admin, noServed), 400, /servedInstitutionIds/);
      expectError(await create(a.tokens.admin, { ...valid('X6'), sla: { stat: 10, urgent: 20 } }), 400, /sla\.routine/);
    });

    it('names a field of the wrong type or value (400)', async () => {
      expectError(
        await create(a.tokens.admin, { ...valid('X7'), discipline: 'xray' }),
        400,
        /discipline must be one of/,
      );
      expectError(
        await create(a.tokens.admin, { ...valid('X7'), hostInstitutionId: 'lead' }),
        400,
        /hostInstitutionId must be a UUID/,
      );
      expectError(
        await create(a.tokens.admin, { ...valid('X7'), servedInstitutionIds: 'all' }),
        400,
        /servedInstitutionIds/,
      );
      expectError(
        await create(a.tokens.admin, { ...valid('X7'), servedInstitutionIds: ['nope'] }),
        400,
        /servedInstitutionIds/,
      );
      expectError(
        await create(a.tokens.admin, { ...valid('X7'), sla: { stat: 0, urgent: 1, routine: 1 } }),
        400,
        /sla\.stat/,
      );
      expectError(
        await create(a.tokens.admin, { ...valid('X7'), sla: { stat: 1.5, urgent: 1, routine: 1 } }),
        400,
        /sla\.stat must be an integer/,
      );
      expectError(
        await create(a.tokens.admin, { ...valid('X7'), sla: { stat: '30', urgent: 1, routine: 1 } }),
        400,
        /sla\.stat/,
      );
      expectError(await create(a.tokens.admin, { ...valid('X7'), sla: 30 }), 400, /sla/);
      expectError(
        await create(a.tokens.admin, { ...valid('X7'), twoStepSignoff: 'yes' }),
        400,
        /twoStepSignoff must be a boolean/,
      );
      expectError(
        await create(a.tokens.admin, { ...valid('X7'), servedInstitutionIds: [a.clinicIds[0], a.clinicIds[0]] }),
        400,
        /servedInstitutionIds/,
      );
    });

    it('refuses unknown fields, nested ones too (400)', async () => {
      expectError(await create(a.tokens.admin, { ...valid('X8'), modality: 'CT' }), 400, /modality should not exist/);
      expectError(
        await create(a.tokens.admin, { ...valid('X8'), sla: { stat: 1, urgent: 2, routine: 3, weekend: 4 } }),
        400,
        /weekend should not exist/,
      );
    });

    it('refuses oversize strings (400)', async () => {
      expectError(await create(a.tokens.admin, valid(HUGE)), 400, /name must be shorter/);
    });

    it('refuses a name already used in the consortium (409)', async () => {
      expectError(await create(a.tokens.admin, valid('Regional imaging centre')), 409, /Regional imaging centre/);
    });
  });

  describe('GET /api/centres', () => {
    it("lists the caller's consortium's centres to any of its users", async () => {
      const res = await get(a.tokens.clinic_technician, '/api/centres?limit=500');
      expect(res.status).toBe(200);
      const items = res.body.items as CentreBody[];
      expect(items.every((c) => c.consortiumId === a.consortiumId)).toBe(true);
      expect(items.map((c) => c.id)).toEqual(expect.arrayContaining(Object.values(a.centreIds)));
      expect(items.map((c) => c.id)).not.toContain(b.centreIds.imaging);
    });

    it('filters by discipline', async () => {
      const res = await get(a.tokens.coordinator, '/api/centres?discipline=pathology');
      expect(res.status).toBe(200);
      expect(res.body.items.map((c: CentreBody) => c.id)).toEqual([a.centreIds.pathology]);
      expectError(await get(a.tokens.coordinator, '/api/centres?discipline=xray'), 400, /discipline/);
    });

    it('refuses a filter on another consortium (403) and a caller without a token (401)', async () => {
      expectError(await get(a.tokens.admin, `/api/centres?consortiumId=${b.consortiumId}`), 403);
      expectError(await get(null, '/api/centres'), 401);
    });

    it('lets the platform administrator list one consortium', async () => {
      const res = await get(a.platformAdminToken, `/api/centres?consortiumId=${b.consortiumId}`);
      expect(res.body.items.map((c: CentreBody) => c.id).sort()).toEqual(Object.values(b.centreIds).sort());
    });
  });

  describe('GET /api/centres/:id', () => {
    it('shows the centre with the institutions it serves', async () => {
      const res = await get(a.tokens.clinic_doctor, `/api/centres/${a.centreIds.imaging}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ discipline: 'imaging', hostInstitutionId: a.leadHospitalId });
      expect(res.body.servedInstitutionIds).toEqual([...a.clinicIds].sort());
    });

    it("refuses another consortium's centre (403), unknown ids (404) and malformed ones (400)", async () => {
      expectError(await get(a.tokens.admin, `/api/centres/${b.centreIds.imaging}`), 403);
      expectError(await get(a.tokens.admin, `/api/centres/${UNKNOWN_ID}`), 404, new RegExp(UNKNOWN_ID));
      expectError(await get(a.tokens.admin, '/api/centres/imaging'), 400, /uuid/i);
    });
  });
});
