import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ROLES, type Role } from '@hub/core';
import { type OwnedResources, ownedValue as ownedResource, seedOwnedResources } from '../../support/owned-resources.js';
import { addUser } from '../../support/reading.js';
import { fillPath, type RouteEntry, routeTable } from '../../support/route-table.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

/** The only routes that answer without a user's token (/metrics has a credential of its own). */
const PUBLIC_ROUTES = new Set([
  'post /api/auth/login',
  'post /api/auth/refresh',
  'get /health',
  'get /health/ready',
  'get /health/live',
  'get /metrics',
]);
/** Where patient data is read: every 2xx read there must leave an audit event. */
const PATIENT_DATA = /^\/(dicomweb|api\/(studies|patients|requests|tasks|reports|consultations))(\/|$)/;

const key = (r: RouteEntry) => `${r.method} ${r.path}`;
const ok = (status: number) => status >= 200 && status < 300;
/** A search (QIDO-RS) that finds nothing the caller may see answers 200 with an empty list, or 204: no data shown. */
const showsSomething = (res: { status: number; body: unknown }) =>
  ok(res.status) && res.status !== 204 && !(Array.isArray(res.body) && res.body.length === 0);

/**
 * The authorisation matrix, generated from the hub's route table: every route without a token, every route of one
 * consortium's patient data with every role of another consortium (and of another clinic of the same one), every
 * listing for leaks, and an audit event for every read of patient data.
 */
describe('authorisation matrix over the route table', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let routes: RouteEntry[];
  let owned: OwnedResources;
  let ownValues: string[];
  let otherClinicDoctor: string;
  let chairToken: string;
  let item: string;

  /** A's real id for this parameter of this route, or undefined when the route names no resource of A. */
  const ownedValue = (param: string, path: string): string | undefined => ownedResource(owned, param, path);
  const send = (r: RouteEntry, path: string, token?: string) => {
    let req = request(t.http)[r.method](path);
    if (token) req = req.auth(token, { type: 'bearer' });
    return ['post', 'put', 'patch'].includes(r.method) ? req.send({}) : req;
  };
  const withQuery = (path: string) => (path.endsWith('/recognizable') ? `${path}?item=${item}` : path);
  /** Routes whose every parameter is a resource of A (at least one). */
  const ownedRoutes = () =>
    routes.filter((r) => {
      const params = [...r.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
      return params.length > 0 && params.every((p) => ownedValue(p, r.path) !== undefined);
    });
  const ownedPath = (r: RouteEntry) => withQuery(fillPath(r.path, (p, path) => ownedValue(p, path)!));

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = [await createTenant(t), await createTenant(t)];
    routes = routeTable(t.app);

    owned = await seedOwnedResources(t, a, 'MATRIX-1');
    ({ item, chairToken, patientDataIds: ownValues } = owned);
    otherClinicDoctor = (await addUser(t, a, { role: 'clinic_doctor', institutionId: a.clinicIds[1] })).token;
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  it('reads a route table that covers the API, DICOMweb and the probes', () => {
    for (const expected of ['get /api/studies/:id', 'post /dicomweb/studies', 'get /health/live', 'post /api/requests'])
      expect(routes.map(key)).toContain(expected);
    for (const pub of PUBLIC_ROUTES) expect(routes.map(key)).toContain(pub);
    expect(ownedRoutes().length).toBeGreaterThan(30);
  });

  it('answers nothing but login, refresh, health and metrics without a valid token', async () => {
    const answered: string[] = [];
    for (const r of routes.filter((route) => !PUBLIC_ROUTES.has(key(route)))) {
      const path = fillPath(r.path, () => randomUUID());
      for (const token of [undefined, 'not.a.token']) {
        const res = await send(r, path, token);
        if (res.status !== 401) answered.push(`${key(r)} → ${res.status}${token ? ' (garbage token)' : ''}`);
      }
    }
    expect(answered).toEqual([]);
  });

  it('lists none of one consortium’s patients, studies, requests, reports or consultations to another', async () => {
    const leaks: string[] = [];
    for (const r of routes.filter((route) => route.method === 'get' && !route.path.includes(':'))) {
      for (const role of ROLES) {
        const res = await send(r, r.path, b.tokens[role]);
        const text = JSON.stringify(res.body ?? '') + (res.text ?? '');
        const seen = ownValues.filter((v) => text.includes(v));
        if (ok(res.status) && seen.length > 0) leaks.push(`${key(r)} as ${role} shows ${seen.join(', ')}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('gives no role of another consortium any read or write of one consortium’s resources', async () => {
    const leaks: string[] = [];
    for (const r of ownedRoutes()) {
      for (const role of ROLES) {
        const res = await send(r, ownedPath(r), b.tokens[role]);
        if (showsSomething(res)) leaks.push(`${key(r)} as ${role} of another consortium → ${res.status}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('gives a doctor of another clinic of the same consortium none of the first clinic’s patient data', async () => {
    const leaks: string[] = [];
    for (const r of ownedRoutes().filter((route) => route.method === 'get' && PATIENT_DATA.test(route.path))) {
      const res = await send(r, ownedPath(r), otherClinicDoctor);
      if (showsSomething(res)) leaks.push(`${key(r)} → ${res.status}`);
    }
    expect(leaks).toEqual([]);
  });

  it('audits every read of patient data that is allowed', async () => {
    const candidates: Role[] = ['clinic_technician', 'clinic_doctor', 'senior_reader', 'reader', 'coordinator'];
    const tokens = [...candidates.map((role) => a.tokens[role]), chairToken];
    const unaudited: string[] = [];
    const unreachable: string[] = [];
    const reads = routes.filter((r) => r.method === 'get' && PATIENT_DATA.test(r.path));
    for (const r of reads) {
      if (r.path.includes(':') && !ownedRoutes().includes(r)) continue;
      const path = r.path.includes(':') ? ownedPath(r) : r.path;
      let answered = false;
      for (const token of tokens) {
        const [{ before }] = await t.sql<{ before: number }>('SELECT count(*)::int AS before FROM audit_events');
        const res = await send(r, path, token);
        if (!ok(res.status)) continue;
        const text = JSON.stringify(res.body ?? '') + (res.text ?? '') + (res.headers['content-type'] ?? '');
        // A listing that happened to show this caller nothing of patients read no patient data.
        if (!r.path.includes(':') && !ownValues.some((v) => text.includes(v))) continue;
        answered = true;
        const [{ after }] = await t.sql<{ after: number }>('SELECT count(*)::int AS after FROM audit_events');
        if (after <= before) unaudited.push(`${key(r)} (${res.status})`);
        break;
      }
      if (!answered && r.path.includes(':')) unreachable.push(key(r));
    }
    expect(unaudited).toEqual([]);
    // Every patient-data route was read by someone of the consortium (or the check above proved nothing for it).
    expect(unreachable).toEqual([]);
  });
});
