import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { addUser } from '../../support/reading.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

describe('the user directory: whom a coordinator can invite', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let specialist: { id: string };
  let departed: { id: string };
  const directory = (token: string, query = '') =>
    request(t.http).get(`/api/users/directory${query}`).auth(token, { type: 'bearer' });

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = [await createTenant(t), await createTenant(t)];
    specialist = await addUser(t, a, { role: 'specialist' });
    departed = await addUser(t, a, { role: 'specialist' });
    await t.sql('UPDATE users SET active = false WHERE id = $1', [departed.id]);
    await addUser(t, b, { role: 'specialist' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists the active specialists of the coordinator’s own consortium, with no username or login state', async () => {
    const res = await directory(a.tokens.coordinator, '?role=specialist').expect(200);
    const ids = res.body.items.map((u: { id: string }) => u.id);
    expect(ids).toContain(specialist.id);
    expect(ids).toContain(a.userIds.specialist);
    expect(ids).not.toContain(departed.id);
    expect(res.body.total).toBe(ids.length);
    for (const entry of res.body.items) {
      expect(Object.keys(entry).sort()).toEqual(['displayName', 'id', 'institutionId', 'roles']);
      expect(entry.roles).toContain('specialist');
    }
    const everyone = await directory(a.tokens.admin).expect(200);
    expect(everyone.body.items.map((u: { id: string }) => u.id)).toContain(a.userIds.clinic_doctor);
    // Nobody of the other consortium.
    const bIds = new Set(Object.values(b.userIds));
    expect(everyone.body.items.filter((u: { id: string }) => bIds.has(u.id))).toEqual([]);
  });

  it('is for coordinators and administrators only', async () => {
    for (const role of ['clinic_doctor', 'reader', 'specialist', 'auditor'] as const)
      await directory(a.tokens[role], '?role=specialist').expect(403);
    await request(t.http).get('/api/users/directory').expect(401);
  });

  it('refuses an unknown role, a wrong type and an oversize page with a clear 400', async () => {
    const role = await directory(a.tokens.coordinator, '?role=surgeon').expect(400);
    expect(JSON.stringify(role.body.message)).toMatch(/role must be one of/);
    await directory(a.tokens.coordinator, '?limit=abc').expect(400);
    await directory(a.tokens.coordinator, '?limit=100000').expect(400);
    await directory(a.tokens.coordinator, `?role=${'x'.repeat(5000)}`).expect(400);
  });
});
