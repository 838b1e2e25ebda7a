import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { type Discipline, DISCIPLINES, type Role, ROLES } from '@hub/core';
import { login, TEST_ADMIN_PASSWORD, type TestApp } from './test-app.js';

/** One consortium as the demo seeds it: a lead hospital, three township clinics, the four centres, a user per role. */
export interface Tenant {
  code: string;
  consortiumId: string;
  leadHospitalId: string;
  clinicIds: [string, string, string];
  centreIds: Record<Discipline, string>;
  userIds: Record<Role, string>;
  usernames: Record<Role, string>;
  passwords: Record<Role, string>;
  tokens: Record<Role, string>;
  /** The platform administrator's token (belongs to no consortium). */
  platformAdminToken: string;
}

const CENTRE_NAMES: Record<Discipline, string> = {
  imaging: 'Regional imaging centre',
  ecg: 'Regional ECG centre',
  lab: 'Regional laboratory',
  pathology: 'Regional pathology centre',
};

const CLINIC_ROLES: readonly Role[] = ['clinic_technician', 'clinic_doctor'];

async function post<T>(t: TestApp, token: string, path: string, body: object): Promise<T> {
  const res = await request(t.http).post(path).auth(token, { type: 'bearer' }).send(body);
  if (res.status !== 201) throw new Error(`POST ${path} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as T;
}

const privilegesFor = (role: Role): { discipline: Discipline; canSign: boolean }[] => {
  if (role !== 'reader' && role !== 'senior_reader') return [];
  return DISCIPLINES.map((discipline) => ({ discipline, canSign: role === 'senior_reader' }));
};

/**
 * A fresh tenant made through the HTTP API as the platform administrator, so every suite gets its own consortium
 * instead of truncating tables. Codes and usernames are random, so many tenants share one database.
 */
export async function createTenant(t: TestApp, opts: { code?: string } = {}): Promise<Tenant> {
  const code = opts.code ?? `T${randomBytes(5).toString('hex').toUpperCase()}`;
  const suffix = code.toLowerCase();
  const platformAdminToken = await login(t, 'admin', TEST_ADMIN_PASSWORD);

  const consortium = await post<{ id: string }>(t, platformAdminToken, '/api/consortia', {
    code,
    name: `Medical consortium ${code}`,
  });
  const institution = (instCode: string, name: string, level: string) =>
    post<{ id: string }>(t, platformAdminToken, '/api/institutions', {
      consortiumId: consortium.id,
      code: instCode,
      name,
      level,
      gridArea: `grid-${suffix}`,
    });
  const lead = await institution('LEAD', `Lead hospital ${code}`, 'tertiary');
  const clinics = await Promise.all(
    [1, 2, 3].map((n) => institution(`TC-${n}`, `Township clinic ${n} ${code}`, 'township')),
  );
  const clinicIds = clinics.map((c) => c.id) as [string, string, string];

  const centres = await Promise.all(
    DISCIPLINES.map((discipline) =>
      post<{ id: string }>(t, platformAdminToken, '/api/centres', {
        consortiumId: consortium.id,
        name: CENTRE_NAMES[discipline],
        discipline,
        hostInstitutionId: lead.id,
        servedInstitutionIds: clinicIds,
      }),
    ),
  );
  const centreIds = Object.fromEntries(DISCIPLINES.map((d, i) => [d, centres[i]!.id])) as Record<Discipline, string>;

  const usernames = Object.fromEntries(ROLES.map((r) => [r, `${r}.${suffix}`])) as Record<Role, string>;
  const passwords = Object.fromEntries(ROLES.map((r) => [r, `pw-${randomBytes(12).toString('base64url')}`])) as Record<
    Role,
    string
  >;
  const users = await Promise.all(
    ROLES.map((role) =>
      post<{ id: string }>(t, platformAdminToken, '/api/users', {
        username: usernames[role],
        password: passwords[role],
        displayName: `${role} of ${code}`,
        institutionId: CLINIC_ROLES.includes(role) ? clinicIds[0] : lead.id,
        roles: [role],
        privileges: privilegesFor(role),
      }),
    ),
  );
  const userIds = Object.fromEntries(ROLES.map((r, i) => [r, users[i]!.id])) as Record<Role, string>;
  const tokenList = await Promise.all(ROLES.map((r) => login(t, usernames[r], passwords[r])));
  const tokens = Object.fromEntries(ROLES.map((r, i) => [r, tokenList[i]!])) as Record<Role, string>;

  return {
    code,
    consortiumId: consortium.id,
    leadHospitalId: lead.id,
    clinicIds,
    centreIds,
    userIds,
    usernames,
    passwords,
    tokens,
    platformAdminToken,
  };
}
