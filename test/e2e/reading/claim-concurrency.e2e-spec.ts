import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { postAs } from '../../support/http.js';
import { addUser, uploadEcgStudy } from '../../support/reading.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

const TASKS = 2000;
const CLAIMERS = 32;
const READERS = 4;

describe('Reading: 32 concurrent claimers drain 2,000 tasks on the real PostgreSQL', () => {
  let t: TestApp;
  let a: Tenant;

  beforeAll(async () => {
    t = await startTestApp();
    a = await createTenant(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('claims every task exactly once, loses none, and never gives one task to two readers', async () => {
    const studyId = await uploadEcgStudy(t, a.tokens.clinic_doctor, 'CONC-1');
    // The queue is filled directly: the claim path is under test, not request creation.
    await t.sql(
      `WITH reqs AS (
         INSERT INTO reading_requests (consortium_id, requesting_institution_id, requested_by_user_id, study_id,
           patient_id, discipline, priority, referral)
         SELECT s.consortium_id, s.institution_id, $2, s.id, s.patient_id, 'ecg',
                (ARRAY['stat', 'urgent', 'routine'])[1 + g % 3], g % 7 = 0
           FROM studies s, generate_series(1, $3) g WHERE s.id = $1
         RETURNING id, priority, referral, created_at)
       INSERT INTO reading_tasks (request_id, centre_id, discipline, priority_rank, referral_rank, queued_at, due_at, state)
       SELECT id, $4, 'ecg', array_position(ARRAY['stat', 'urgent', 'routine'], priority) - 1,
              CASE WHEN referral THEN 0 ELSE 1 END, created_at, created_at + interval '1 hour', 'queued'
         FROM reqs`,
      [studyId, a.userIds.clinic_doctor, TASKS, a.centreIds.ecg],
    );
    const readers = await Promise.all(
      Array.from({ length: READERS }, () =>
        addUser(t, a, { role: 'reader', privileges: [{ discipline: 'ecg', canSign: false }] }),
      ),
    );
    const claimedBy = new Map<string, string[]>();
    await Promise.all(
      Array.from({ length: CLAIMERS }, async (_, i) => {
        const reader = readers[i % READERS]!;
        for (;;) {
          const res = await postAs(t, `/api/centres/${a.centreIds.ecg}/claim`, reader.token, {});
          if (res.status === 204) return;
          expect(res.status).toBe(200);
          claimedBy.set(res.body.id, [...(claimedBy.get(res.body.id) ?? []), reader.id]);
        }
      }),
    );
    expect(claimedBy.size).toBe(TASKS);
    expect([...claimedBy.values()].filter((holders) => holders.length > 1)).toEqual([]);
    const [state] = await t.sql<{ claimed: number; token_one: number; holders_match: number }>(
      `SELECT count(*) FILTER (WHERE state = 'claimed')::int AS claimed,
              count(*) FILTER (WHERE fencing_token = 1)::int AS token_one,
              count(*) FILTER (WHERE holder_user_id = ANY($2))::int AS holders_match
         FROM reading_tasks WHERE centre_id = $1`,
      [a.centreIds.ecg, readers.map((r) => r.id)],
    );
    expect(state).toEqual({ claimed: TASKS, token_one: TASKS, holders_match: TASKS });
    // Each task is held by the very reader whose claim answered with it.
    const holders = await t.sql<{ id: string; holder: string }>(
      'SELECT id, holder_user_id AS holder FROM reading_tasks WHERE centre_id = $1',
      [a.centreIds.ecg],
    );
    expect(holders.filter((h) => claimedBy.get(h.id)?.[0] !== h.holder)).toEqual([]);
  }, 180_000);
});
