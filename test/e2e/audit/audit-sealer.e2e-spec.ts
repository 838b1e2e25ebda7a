import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

describe('audit sealer (a hub process with JOBS_ENABLED)', () => {
  let t: TestApp;
  let a: Tenant;
  beforeAll(async () => {
    t = await startTestApp({ JOBS_ENABLED: 'true', AUDIT_SEAL_INTERVAL_MS: '100' });
    a = await createTenant(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('links committed events into the chain by itself, soon after they are written', async () => {
    await request(t.http).get('/api/audit').auth(a.tokens.auditor, { type: 'bearer' }).expect(200);
    const [{ last }] = await t.sql<{ last: string }>('SELECT max(id)::text AS last FROM audit_events');
    const deadline = Date.now() + 10_000;
    let sealed = false;
    while (!sealed && Date.now() < deadline) {
      const rows = await t.sql('SELECT 1 FROM audit_chain WHERE event_id = $1', [last]);
      sealed = rows.length === 1;
      if (!sealed) await new Promise((r) => setTimeout(r, 50));
    }
    expect(sealed).toBe(true);
    expect(await t.sql('SELECT 1 FROM audit_unsealed WHERE event_id <= $1', [last])).toEqual([]);
  });
});
