import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { postAs } from '../../support/http.js';
import { addUser, uploadEcgStudy } from '../../support/reading.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

/**
 * A request holds one pooled connection for its transaction and must never need a second one: with every connection
 * held by a transaction waiting for another, the pool deadlocks. Two connections and many readers at once show it.
 */
describe('Reading under pool pressure (DATABASE_POOL_SIZE=2)', () => {
  let t: TestApp;
  let a: Tenant;
  const READERS = 8;

  beforeAll(async () => {
    t = await startTestApp({ DATABASE_POOL_SIZE: '2' });
    a = await createTenant(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('concurrent drafts, signs and refused writes all finish', async () => {
    const seniors = await Promise.all(
      Array.from({ length: READERS }, () =>
        addUser(t, a, { role: 'senior_reader', privileges: [{ discipline: 'ecg', canSign: true }] }),
      ),
    );
    const labReader = await addUser(t, a, { role: 'reader', privileges: [{ discipline: 'lab', canSign: false }] });
    for (let i = 0; i < READERS; i++) {
      const studyId = await uploadEcgStudy(t, a.tokens.clinic_doctor, `POOL-${i}`);
      await postAs(t, '/api/requests', a.tokens.clinic_doctor, { studyId, priority: 'routine' }).expect(201);
    }
    // One-step sign-off is what lets a senior sign their own draft: switch the centre for this test.
    await t.sql('UPDATE centres SET two_step_signoff = false WHERE id = $1', [a.centreIds.ecg]);
    const claims = await Promise.all(
      seniors.map((s) => postAs(t, `/api/centres/${a.centreIds.ecg}/claim`, s.token, {}).expect(200)),
    );
    const outcomes = await Promise.all(
      seniors.map(async (s, i) => {
        const { id, fencingToken } = claims[i]!.body as { id: string; fencingToken: number };
        await request(t.http)
          .put(`/api/tasks/${id}/report`)
          .auth(s.token, { type: 'bearer' })
          .send({ fencingToken, findings: '窦性心律。', impression: '正常心电图' })
          .expect(200);
        // A refused write (a reader without the ECG privilege) is audited after its transaction ends.
        const refused = await postAs(t, `/api/tasks/${id}/release`, labReader.token, { fencingToken });
        const signed = await postAs(t, `/api/tasks/${id}/sign`, s.token, { fencingToken });
        return [refused.status, signed.status];
      }),
    );
    expect(outcomes).toEqual(Array.from({ length: READERS }, () => [403, 200]));
    const [{ n }] = await t.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_events WHERE action = 'reading.task.release' AND outcome = 'denied'",
    );
    expect(n).toBe(READERS);
  });
});
