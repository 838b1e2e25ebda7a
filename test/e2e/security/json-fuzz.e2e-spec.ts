import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import request from 'supertest';
import { ROLES } from '@hub/core';
import { fuzzSeed } from '../../fixtures/dicom-mutations.js';
import { type OwnedResources, ownedValue, seedOwnedResources } from '../../support/owned-resources.js';
import { type Components, hostileBody, type JsonSchema, systematicBodies } from '../../support/schema-fuzz.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

/** Cases per operation; JSON_FUZZ_RUNS=500 (with FUZZ_SEED=random) for a longer hunt. */
const RUNS = Number(process.env.JSON_FUZZ_RUNS ?? 12);
/** A request that takes longer than this is a hang. */
const REQUEST_TIMEOUT_MS = 10_000;
/** What the hub documents it answers (docs: 400/413/415/422 for bad input; the domain's 403/404/409/423). */
const DOCUMENTED = new Set([200, 201, 202, 204, 400, 403, 404, 406, 409, 413, 415, 422, 423]);
/** Auth endpoints answer a wrong credential (refresh token, second factor) with 401. */
const AUTH_PATHS = /^\/api\/auth\//;
/** QIDO-RS takes DICOM attributes as query parameters, which the OpenAPI document does not list. */
const QIDO_PARAMS = ['PatientName', 'PatientID', 'StudyDate', 'limit', 'offset', 'includefield', 'fuzzymatching'];
/** Operations that end or change the caller's own session: fuzzing them would log the fuzzer's tokens out. */
const SESSION_OPERATIONS = new Set(['POST /api/auth/logout', 'POST /api/auth/totp/setup']);
/** Parameter values: NUL, a lone surrogate, SQL, script, traversal, prototype names, overflow, a bad date. */
const PARAMETER_VALUES = [
  '\u0000',
  '\ud800',
  "'; DROP TABLE users; --",
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '__proto__',
  'constructor',
  '-1',
  '9'.repeat(400),
  '2026-13-45T99:99:99Z',
  '%s%s%s%n',
];
/** Path parameters are ids: fewer values suffice. */
const PATH_VALUES = ['\u0000', '\ud800', "'; DROP TABLE users; --", '../../../../etc/passwd', '__proto__'];

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
}
interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The OpenAPI path template, e.g. /api/tasks/{id}/report. */
  path: string;
  parameters: Parameter[];
  body?: JsonSchema;
}

const key = (op: Operation) => `${op.method.toUpperCase()} ${op.path}`;
const preview = (value: unknown) => {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = '(too deep to print)';
  }
  return text.length > 160 ? `${text.slice(0, 160)}… (${text.length} chars)` : text;
};
/** encodeURIComponent, except that a lone surrogate (which it refuses) goes out as the invalid UTF-8 it would be. */
const encodeSegment = (value: string) =>
  value
    .split(/([\ud800-\udfff])/)
    .map((part) => (/^[\ud800-\udfff]$/.test(part) ? '%ED%A0%80' : encodeURIComponent(part)))
    .join('');

function operationsOf(doc: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, byMethod] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(byMethod)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const content = (op.requestBody as { content?: Record<string, { schema?: JsonSchema }> } | undefined)?.content;
      ops.push({
        method: method as Operation['method'],
        path,
        parameters: (op.parameters as Parameter[] | undefined) ?? [],
        body: content?.['application/json']?.schema,
      });
    }
  }
  return ops;
}

/**
 * Every JSON endpoint of the OpenAPI document, fuzzed from its own schema with bodies that break it (and some that
 * do not), sent with a token of a role that may call it on real resources; and every operation's path and query
 * parameters with hostile text. The hub must answer each with a documented status, never 5xx or a hang, refuse with
 * its error shape, and write nothing when it refuses.
 */
describe('JSON endpoints under hostile input, fuzzed from the OpenAPI document', () => {
  let t: TestApp;
  let a: Tenant;
  let owned: OwnedResources;
  let components: Components;
  let operations: Operation[];
  let countRows: () => Promise<string>;
  let lastCounts: string;
  const tokenOf = new Map<string, string>();
  const problems = new Set<string>();
  let sent = 0;

  const fillPath = (op: Operation, override?: { name: string; value: string }) =>
    op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      if (override?.name === name) return encodeSegment(override.value);
      const express = op.path.replace(/\{(\w+)\}/g, ':$1');
      return encodeURIComponent(ownedValue(owned, name, express) ?? (name === 'examCode' ? owned.item : randomUUID()));
    });

  const send = async (op: Operation, path: string, token: string, body?: unknown) => {
    let req = request(t.http)
      [op.method](path)
      .auth(token, { type: 'bearer' })
      .timeout({
        response: REQUEST_TIMEOUT_MS,
        deadline: REQUEST_TIMEOUT_MS * 2,
      });
    if (body !== undefined) req = req.set('Content-Type', 'application/json').send(JSON.stringify(body));
    sent++;
    return req;
  };

  /** Sends one case and records every way the answer breaks the contract. */
  const check = async (op: Operation, path: string, input: unknown, body?: unknown) => {
    const what = `${key(op)} ${path === fillPath(op) ? '' : `as ${path} `}with ${preview(input)}`;
    // A read writes nothing but its audit event; counting rows around each of the many reads would double the time.
    const writes = op.method !== 'get';
    let res: Awaited<ReturnType<typeof send>>;
    try {
      res = await send(op, path, tokenOf.get(key(op))!, body);
    } catch (error) {
      problems.add(`${what}: no answer (${(error as Error).message})`);
      if (writes) lastCounts = await countRows();
      return;
    }
    const allowed = DOCUMENTED.has(res.status) || (res.status === 401 && AUTH_PATHS.test(op.path));
    if (!allowed) problems.add(`${what} → ${res.status} ${preview(res.body)}`);
    if (res.status >= 400) {
      const b = res.body as { statusCode?: unknown; error?: unknown; message?: unknown };
      if (b?.statusCode !== res.status || typeof b.error !== 'string' || typeof b.message !== 'string' || !b.message)
        problems.add(`${what} → ${res.status} without the error shape: ${preview(res.body)}`);
    }
    if (!writes) return;
    const counts = await countRows();
    if (res.status >= 400 && counts !== lastCounts) problems.add(`${what} → ${res.status} but rows changed`);
    lastCounts = counts;
  };

  beforeAll(async () => {
    const setupStarted = Date.now();
    t = await startTestApp();
    a = await createTenant(t);
    owned = await seedOwnedResources(t, a, 'FUZZ-1');
    const doc = (await request(t.http).get('/docs/openapi.json').expect(200)).body;
    components = doc.components.schemas as Components;
    operations = operationsOf(doc).filter(
      (op) => !op.path.startsWith('/health') && op.path !== '/metrics' && !SESSION_OPERATIONS.has(key(op)),
    );

    // Every table but the audit trail (reads and refusals are audited: that is a write the hub must make).
    const tables = await t.sql<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'audit%' ORDER BY 1`,
    );
    const counts = tables.map(({ name }) => `'${name}=' || (SELECT count(*) FROM "${name}")`).join(` || ',' || `);
    countRows = async () => (await t.sql<{ c: string }>(`SELECT ${counts} AS c`))[0]!.c;

    // The first role (the chair first, for consultations) that the route's guard lets through.
    const candidates = [owned.chairToken, ...ROLES.map((r) => a.tokens[r]), a.platformAdminToken];
    for (const op of operations) {
      let chosen = candidates[0]!;
      for (const token of candidates) {
        const res = await request(t.http)
          [op.method](fillPath(op))
          .auth(token, { type: 'bearer' })
          .send(op.body ? {} : undefined);
        if (res.status !== 401 && res.status !== 403) {
          chosen = token;
          break;
        }
      }
      tokenOf.set(key(op), chosen);
    }
    lastCounts = await countRows();
    process.stdout.write(`json fuzz: set up in ${Date.now() - setupStarted} ms\n`);
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  it('finds the JSON endpoints in the OpenAPI document', () => {
    const withBody = operations.filter((op) => op.body).map(key);
    expect(withBody.length).toBeGreaterThan(30);
    for (const expected of ['POST /api/requests', 'PUT /api/tasks/{id}/report', 'POST /api/consultations'])
      expect(withBody).toContain(expected);
  });

  it('answers hostile JSON bodies with a documented status and the error shape, writing nothing when it refuses', async () => {
    const { seed } = fuzzSeed();
    const started = Date.now();
    for (const [i, op] of operations.filter((o) => o.body).entries()) {
      const caseSeed = (seed ?? Date.now()) + i;
      const bodies = [
        ...systematicBodies(op.body!, components, caseSeed),
        ...fc.sample(hostileBody(op.body!, components), { numRuns: RUNS, seed: caseSeed }),
      ];
      for (const body of bodies) await check(op, fillPath(op), body, body);
    }
    process.stdout.write(`json fuzz: ${sent} bodies in ${Date.now() - started} ms\n`);
    expect([...problems]).toEqual([]);
  }, 600_000);

  it('refuses the NUL character in a body, a query or a path naming where it is (it reached PostgreSQL: 500s)', async () => {
    const addenda = operations.find((op) => key(op) === 'POST /api/reports/{id}/addenda')!;
    const body = await request(t.http)
      .post(fillPath(addenda))
      .auth(tokenOf.get(key(addenda))!, { type: 'bearer' })
      .send({ text: 'a\u0000b', changesResult: true })
      .expect(400);
    expect(body.body.message).toMatch(/^body\.text contains the NUL character/);
    for (const [path, query, where] of [
      ['/api/patients', '?localId=%00', 'query.localId'],
      ['/api/audit', '?action=a%00b', 'query.action'],
      ['/dicomweb/studies', '?PatientName=x%00', 'query.PatientName'],
    ] as const) {
      const res = await request(t.http)
        .get(path + query)
        .auth(tokenOf.get(`GET ${path}`)!, { type: 'bearer' });
      expect([path, res.status, res.body.message]).toEqual([path, 400, expect.stringContaining(`${where} contains`)]);
    }
    const proto = await request(t.http)
      .get('/dicomweb/studies?includefield=__proto__')
      .auth(tokenOf.get('GET /dicomweb/studies')!, { type: 'bearer' })
      .expect(400);
    expect(proto.body.message).toMatch(/includefield '__proto__' is not a DICOM keyword/);
  });

  it('answers hostile path and query parameters likewise', async () => {
    problems.clear();
    for (const op of operations) {
      for (const param of op.parameters.filter((p) => p.in === 'path')) {
        for (const value of PATH_VALUES) {
          const body = op.body ? {} : undefined;
          await check(op, fillPath(op, { name: param.name, value }), `${param.name}=${value}`, body);
        }
      }
      if (op.method !== 'get') continue;
      const queries = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
      if (op.path.startsWith('/dicomweb') && !op.path.includes('metadata')) queries.push(...QIDO_PARAMS);
      for (const name of queries) {
        for (const value of PARAMETER_VALUES) {
          await check(op, `${fillPath(op)}?${encodeURIComponent(name)}=${encodeSegment(value)}`, `${name}=${value}`);
        }
      }
    }
    process.stdout.write(`json fuzz: ${sent} requests in all\n`);
    expect([...problems]).toEqual([]);
  }, 600_000);
});
