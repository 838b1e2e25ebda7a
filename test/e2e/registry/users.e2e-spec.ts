import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getAs, postAs } from '../../support/http.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { login, startTestApp, type TestApp } from '../../support/test-app.js';
import { expectError, HUGE, ISO_TIME, UNKNOWN_ID, UUID } from './registry-expect.js';

interface UserBody {
  id: string;
  username: string;
  consortiumId: string | null;
  institutionId: string | null;
}

describe('registry: users', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let seq = 0;

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = await Promise.all([createTenant(t), createTenant(t)]);
  });
  afterAll(async () => {
    await t?.close();
  });

  const create = (token: string | null, body: object) => postAs(t, '/api/users', token, body);
  const get = (token: string | null, path: string) => getAs(t, path, token);
  const valid = (overrides: object = {}) => ({
    username: `user${++seq}.${a.code.toLowerCase()}`,
    password: 'correct-horse-battery',
    displayName: '王丽',
    institutionId: a.leadHospitalId,
    roles: ['reader'],
    privileges: [{ discipline: 'ecg', canSign: false }],
    ...overrides,
  });

  describe('POST /api/users', () => {
    it('creates an account with its reading privileges, never showing the password', async () => {
      const body = valid();
      const res = await create(a.tokens.admin, body);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        username: body.username,
        displayName: '王丽',
        institutionId: a.leadHospitalId,
        consortiumId: a.consortiumId,
        roles: ['reader'],
        active: true,
        totpEnabled: false,
        createdAt: expect.stringMatching(ISO_TIME),
        privileges: [{ discipline: 'ecg', canSign: false }],
      });
      expect(JSON.stringify(res.body)).not.toContain(body.password);
      expect(res.body).not.toHaveProperty('passwordHash');
      await expect(login(t, body.username, body.password)).resolves.toEqual(expect.any(String));
      expect((await get(a.tokens.admin, `/api/users/${res.body.id}`)).body).toEqual(res.body);
    });

    it('lets a senior reader sign, and an administrator create another administrator', async () => {
      const senior = await create(
        a.tokens.admin,
        valid({ roles: ['senior_reader', 'specialist'], privileges: [{ discipline: 'pathology', canSign: true }] }),
      );
      expect(senior.status).toBe(201);
      expect(senior.body.privileges).toEqual([{ discipline: 'pathology', canSign: true }]);
      const admin = await create(a.tokens.admin, valid({ roles: ['admin'], privileges: undefined }));
      expect(admin.status).toBe(201);
      expect(admin.body.privileges).toEqual([]);
    });

    it('records the creation in the audit trail', async () => {
      const res = await create(a.tokens.admin, valid());
      expect(res.status).toBe(201);
      const audit = await get(a.tokens.auditor, '/api/audit?action=registry.user.create&limit=500');
      expect(audit.status).toBe(200);
      const event = (audit.body.items as { objectId: string; outcome: string; actorUserId: string }[]).find(
        (e) => e.objectId === res.body.id,
      );
      expect(event).toMatchObject({ outcome: 'success', actorUserId: a.userIds.admin });
    });

    it('refuses privileges that do not fit the roles (422)', async () => {
      const juniorSigns = valid({ roles: ['reader'], privileges: [{ discipline: 'ecg', canSign: true }] });
      expectError(await create(a.tokens.admin, juniorSigns), 422, /senior_reader/);
      const doctorReads = valid({ roles: ['clinic_doctor'], privileges: [{ discipline: 'lab', canSign: false }] });
      expectError(await create(a.tokens.admin, doctorReads), 422, /reader or senior_reader/);
      const twice = valid({
        privileges: [
          { discipline: 'lab', canSign: false },
          { discipline: 'lab', canSign: false },
        ],
      });
      expectError(await create(a.tokens.admin, twice), 422, /lab more than once/);
      const nobody = await get(a.tokens.admin, '/api/users?limit=500');
      const names = (nobody.body.items as UserBody[]).map((u) => u.username);
      expect(names).not.toContain(juniorSigns.username);
      expect(names).not.toContain(doctorReads.username);
    });

    it('refuses an unknown institution (422)', async () => {
      expectError(await create(a.tokens.admin, valid({ institutionId: UNKNOWN_ID })), 422, new RegExp(UNKNOWN_ID));
    });

    it("refuses an administrator placing a user in another consortium's institution (403), and audits the attempt", async () => {
      expectError(await create(a.tokens.admin, valid({ institutionId: b.clinicIds[0] })), 403, /another consortium/);
      const audit = await get(a.tokens.auditor, '/api/audit?action=registry.user.create&outcome=denied');
      expect(audit.body.items).toEqual(
        expect.arrayContaining([expect.objectContaining({ objectId: b.clinicIds[0], actorUserId: a.userIds.admin })]),
      );
    });

    it('refuses a role without admin (403) and a caller without a token (401)', async () => {
      expectError(await create(a.tokens.clinic_doctor, valid()), 403, /admin/);
      expectError(await create(a.tokens.auditor, valid()), 403);
      expectError(await create(null, valid()), 401);
    });

    it('names a missing field (400)', async () => {
      const { password: _p, ...noPassword } = valid();
      expectError(await create(a.tokens.admin, noPassword), 400, /password/);
      const { institutionId: _i, ...noInstitution } = valid();
      expectError(await create(a.tokens.admin, noInstitution), 400, /institutionId/);
      const { roles: _r, ...noRoles } = valid();
      expectError(await create(a.tokens.admin, noRoles), 400, /roles/);
    });

    it('names a field of the wrong type or value (400)', async () => {
      expectError(await create(a.tokens.admin, valid({ password: 'short' })), 400, /password must be longer/);
      expectError(await create(a.tokens.admin, valid({ username: 'ab' })), 400, /username must be longer/);
      expectError(await create(a.tokens.admin, valid({ username: 'wang li' })), 400, /username may contain only/);
      expectError(await create(a.tokens.admin, valid({ username: 42 })), 400, /username must be a string/);
      expectError(await create(a.tokens.admin, valid({ roles: [] })), 400, /roles should not be empty/);
      expectError(await create(a.tokens.admin, valid({ roles: ['superuser'] })), 400, /roles/);
      expectError(await create(a.tokens.admin, valid({ roles: 'reader' })), 400, /roles/);
      expectError(await create(a.tokens.admin, valid({ institutionId: 'lead' })), 400, /institutionId must be a UUID/);
      expectError(
        await create(a.tokens.admin, valid({ privileges: [{ discipline: 'xray', canSign: false }] })),
        400,
        /privileges\.0\.discipline/,
      );
      expectError(
        await create(a.tokens.admin, valid({ privileges: [{ discipline: 'ecg', canSign: 'no' }] })),
        400,
        /privileges\.0\.canSign must be a boolean/,
      );
    });

    it('refuses unknown fields, nested ones too (400)', async () => {
      expectError(await create(a.tokens.admin, valid({ isRoot: true })), 400, /isRoot should not exist/);
      expectError(
        await create(a.tokens.admin, valid({ privileges: [{ discipline: 'ecg', canSign: false, level: 9 }] })),
        400,
        /level should not exist/,
      );
    });

    it('refuses oversize strings (400)', async () => {
      expectError(await create(a.tokens.admin, valid({ displayName: HUGE })), 400, /displayName must be shorter/);
      expectError(await create(a.tokens.admin, valid({ username: HUGE })), 400, /username must be shorter/);
      expectError(await create(a.tokens.admin, valid({ password: HUGE })), 400, /password must be shorter/);
    });

    it('refuses a username already taken, in any letter case (409)', async () => {
      expectError(await create(a.tokens.admin, valid({ username: a.usernames.reader })), 409, /already taken/);
      expectError(
        await create(b.tokens.admin, {
          ...valid({ username: a.usernames.reader.toUpperCase() }),
          institutionId: b.leadHospitalId,
        }),
        409,
      );
    });
  });

  describe('GET /api/users', () => {
    it("lists only the administrator's consortium, with privileges", async () => {
      const res = await get(a.tokens.admin, '/api/users?limit=500');
      expect(res.status).toBe(200);
      const items = res.body.items as (UserBody & { privileges: unknown[] })[];
      expect(items.every((u) => u.consortiumId === a.consortiumId)).toBe(true);
      const ids = items.map((u) => u.id);
      expect(ids).toEqual(expect.arrayContaining(Object.values(a.userIds)));
      expect(ids).not.toContain(b.userIds.reader);
      expect(items.find((u) => u.id === a.userIds.senior_reader)?.privileges).toHaveLength(4);
      expect(JSON.stringify(res.body)).not.toMatch(/passwordHash|argon2/);
    });

    it('filters by institution, within scope', async () => {
      const res = await get(a.tokens.admin, `/api/users?institutionId=${a.clinicIds[0]}`);
      expect(res.status).toBe(200);
      expect((res.body.items as UserBody[]).map((u) => u.id).sort()).toEqual(
        [a.userIds.clinic_doctor, a.userIds.clinic_technician].sort(),
      );
      expectError(await get(a.tokens.admin, `/api/users?institutionId=${b.clinicIds[0]}`), 403);
      expectError(await get(a.tokens.admin, `/api/users?institutionId=${UNKNOWN_ID}`), 404);
      expectError(await get(a.tokens.admin, '/api/users?institutionId=x'), 400, /institutionId/);
    });

    it('pages', async () => {
      const first = await get(a.tokens.admin, '/api/users?limit=2');
      const second = await get(a.tokens.admin, '/api/users?limit=2&offset=2');
      expect(first.body.items).toHaveLength(2);
      expect(second.body.items).toHaveLength(2);
      expect(first.body.total).toBe(second.body.total);
      expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    });

    it('shows the platform administrator every consortium', async () => {
      const res = await get(a.platformAdminToken, '/api/users?limit=500');
      const ids = (res.body.items as UserBody[]).map((u) => u.id);
      expect(ids).toEqual(expect.arrayContaining([a.userIds.admin, b.userIds.admin]));
    });

    it('refuses other roles (403) and callers without a token (401)', async () => {
      expectError(await get(a.tokens.clinic_doctor, '/api/users'), 403);
      expectError(await get(null, '/api/users'), 401);
    });
  });

  describe('GET /api/users/:id', () => {
    it('shows a user of the consortium with privileges', async () => {
      const res = await get(a.tokens.admin, `/api/users/${a.userIds.senior_reader}`);
      expect(res.status).toBe(200);
      expect(res.body.privileges).toEqual([
        { discipline: 'ecg', canSign: true },
        { discipline: 'imaging', canSign: true },
        { discipline: 'lab', canSign: true },
        { discipline: 'pathology', canSign: true },
      ]);
    });

    it("refuses another consortium's user and the platform administrator's account (403)", async () => {
      expectError(await get(a.tokens.admin, `/api/users/${b.userIds.reader}`), 403);
      const me = await get(a.platformAdminToken, '/api/auth/me');
      expectError(await get(a.tokens.admin, `/api/users/${me.body.id}`), 403);
    });

    it('answers 404 for an unknown id, 400 for a malformed one, 403 for non-admins', async () => {
      expectError(await get(a.tokens.admin, `/api/users/${UNKNOWN_ID}`), 404, new RegExp(UNKNOWN_ID));
      expectError(await get(a.tokens.admin, '/api/users/me'), 400, /uuid/i);
      expectError(await get(a.tokens.reader, `/api/users/${a.userIds.reader}`), 403);
    });
  });
});
