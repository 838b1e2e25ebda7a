import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { getAs, postAs } from '../../support/http.js';
import { addUser, uploadEcgStudy } from '../../support/reading.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

describe('Reading: leases, fencing tokens, returns and refusals', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let readerB: string;
  let n = 0;

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = [await createTenant(t), await createTenant(t)];
    readerB = (await addUser(t, a, { role: 'reader', privileges: [{ discipline: 'ecg', canSign: false }] })).token;
  });
  afterAll(async () => {
    await t.close();
  });

  const study = (tenant: Tenant = a) => uploadEcgStudy(t, tenant.tokens.clinic_doctor, `LR-${++n}`);
  const newRequest = async (body: object = {}) => {
    const res = await postAs(t, '/api/requests', a.tokens.clinic_doctor, {
      studyId: await study(),
      priority: 'routine',
      ...body,
    }).expect(201);
    return res.body as { id: string; task: { id: string } };
  };
  const claim = (token: string, centreId = a.centreIds.ecg) => postAs(t, `/api/centres/${centreId}/claim`, token, {});
  const draft = (token: string, taskId: string, fencingToken: unknown, impression = '草稿') =>
    request(t.http)
      .put(`/api/tasks/${taskId}/report`)
      .auth(token, { type: 'bearer' })
      .send({ fencingToken, findings: '', impression });
  const drain = async () => {
    // Cancel whatever an earlier test left queued here, so each test claims its own task.
    await t.sql(
      `UPDATE reading_tasks SET state = 'cancelled', holder_user_id = NULL, lease_expires_at = NULL
        WHERE centre_id = $1 AND state NOT IN ('signed', 'cancelled')`,
      [a.centreIds.ecg],
    );
  };

  it('a reader whose lease ran out cannot overwrite the next holder: the fencing token refuses the late write', async () => {
    await drain();
    const req = await newRequest();
    const first = await claim(a.tokens.reader).expect(200);
    await draft(a.tokens.reader, req.task.id, first.body.fencingToken, '第一位医师的草稿').expect(200);
    // The first reader stalls past the lease.
    await t.sql(`UPDATE reading_tasks SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [req.task.id]);
    const second = await claim(readerB).expect(200);
    expect(second.body).toMatchObject({ id: req.task.id, state: 'claimed' });
    expect(second.body.fencingToken).toBe(first.body.fencingToken + 1);
    // The claim put the task back first (its own statement does not see that), and audited the lease that ran out.
    const expiry = await t.sql<{ token: string; patient: string | null }>(
      `SELECT details->>'fencingToken' AS token, patient_id AS patient FROM audit_events
        WHERE action = 'reading.task.lease_expired' AND object_id = $1`,
      [req.task.id],
    );
    expect(expiry).toEqual([{ token: String(first.body.fencingToken), patient: expect.any(String) }]);
    // The draft stayed with the task for the next reader.
    const seen = await getAs(t, `/api/tasks/${req.task.id}`, readerB).expect(200);
    expect(seen.body.report.impression).toBe('第一位医师的草稿');

    const late = await draft(a.tokens.reader, req.task.id, first.body.fencingToken, '迟到的修改');
    expect(late.status).toBe(409);
    expect(late.body.message).toMatch(/no longer current.*fencing token 2, yours 1/);
    await postAs(t, `/api/tasks/${req.task.id}/heartbeat`, a.tokens.reader, {
      fencingToken: first.body.fencingToken,
    }).expect(409);
    await postAs(t, `/api/tasks/${req.task.id}/release`, a.tokens.reader, {
      fencingToken: first.body.fencingToken,
    }).expect(409);
    await draft(readerB, req.task.id, second.body.fencingToken, '第二位医师的草稿').expect(200);
    const [row] = await t.sql<{ impression: string }>('SELECT impression FROM reports WHERE task_id = $1', [
      req.task.id,
    ]);
    expect(row!.impression).toBe('第二位医师的草稿');

    // A heartbeat moves the lease on; an expired lease without a new holder still refuses writes.
    const beat = await postAs(t, `/api/tasks/${req.task.id}/heartbeat`, readerB, {
      fencingToken: second.body.fencingToken,
    }).expect(200);
    expect(new Date(beat.body.leaseExpiresAt).getTime()).toBeGreaterThan(Date.now() + 60_000);
    await t.sql(`UPDATE reading_tasks SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [req.task.id]);
    const expired = await draft(readerB, req.task.id, second.body.fencingToken);
    expect(expired.status).toBe(409);
    expect(expired.body.message).toMatch(/lease ran out/);
  });

  it('returns to the clinic with a reason; the clinic resubmits; cancelling is only for unclaimed requests', async () => {
    await drain();
    const req = await newRequest();
    const held = await claim(a.tokens.reader).expect(200);
    const noNote = await postAs(t, `/api/tasks/${req.task.id}/return`, a.tokens.reader, {
      fencingToken: held.body.fencingToken,
      reason: 'other',
    });
    expect(noNote.status).toBe(400);
    const badReason = await postAs(t, `/api/tasks/${req.task.id}/return`, a.tokens.reader, {
      fencingToken: held.body.fencingToken,
      reason: 'bored',
    });
    expect(badReason.status).toBe(400);
    expect(badReason.body.message).toMatch(/reason must be one of/);
    await postAs(t, `/api/tasks/${req.task.id}/return`, a.tokens.reader, {
      fencingToken: held.body.fencingToken,
      reason: 'poor_image_quality',
      note: '导联脱落，请重做',
    }).expect(200);
    const seen = await getAs(t, `/api/requests/${req.id}`, a.tokens.clinic_doctor).expect(200);
    expect(seen.body.task).toMatchObject({
      state: 'returned',
      returnReason: 'poor_image_quality',
      returnNote: '导联脱落，请重做',
    });
    // Another clinic cannot touch it; the requesting one resubmits with better notes.
    await postAs(t, `/api/requests/${req.id}/resubmit`, b.tokens.clinic_doctor, {}).expect(403);
    const again = await postAs(t, `/api/requests/${req.id}/resubmit`, a.tokens.clinic_doctor, {
      clinicalNotes: '已重做心电图',
    }).expect(200);
    expect(again.body).toMatchObject({ clinicalNotes: '已重做心电图', task: { state: 'queued', resubmissions: 1 } });
    const reclaimed = await claim(a.tokens.reader).expect(200);
    expect(reclaimed.body.id).toBe(req.task.id);
    expect((await postAs(t, `/api/requests/${req.id}/cancel`, a.tokens.clinic_doctor, {})).status).toBe(409);
    expect((await postAs(t, `/api/requests/${req.id}/resubmit`, a.tokens.clinic_doctor, {})).status).toBe(409);
  });

  it('orders the queue STAT, urgent, routine; referrals first; then earliest due; and claims in that order', async () => {
    await drain();
    const made = [];
    for (const [priority, referral] of [
      ['routine', false],
      ['urgent', false],
      ['stat', false],
      ['routine', true],
      ['stat', true],
    ] as const) {
      made.push({ key: `${priority}${referral ? '+referral' : ''}`, req: await newRequest({ priority, referral }) });
    }
    const byTask = new Map(made.map((m) => [m.req.task.id, m.key]));
    const queue = await getAs(t, `/api/centres/${a.centreIds.ecg}/queue`, a.tokens.reader).expect(200);
    const order = queue.body.items.map((i: { id: string }) => byTask.get(i.id));
    expect(order).toEqual(['stat+referral', 'stat', 'urgent', 'routine+referral', 'routine']);
    expect(queue.body.items[0]).toMatchObject({
      patient: { name: '李^心' },
      requestingInstitution: { id: a.clinicIds[0] },
    });
    const claimed = [];
    for (let i = 0; i < 5; i += 1) claimed.push(byTask.get((await claim(a.tokens.reader).expect(200)).body.id));
    expect(claimed).toEqual(order);
    expect((await claim(a.tokens.reader)).status).toBe(204);
    // Coordinators see the queue; clinics and other consortia do not.
    await getAs(t, `/api/centres/${a.centreIds.ecg}/queue?stage=read&mine=true`, a.tokens.coordinator).expect(200);
    await getAs(t, `/api/centres/${a.centreIds.ecg}/queue`, a.tokens.clinic_doctor).expect(403);
    await getAs(t, `/api/centres/${a.centreIds.ecg}/queue`, b.tokens.reader).expect(404);
    await getAs(t, `/api/centres/${a.centreIds.ecg}/queue?priority=asap`, a.tokens.reader).expect(400);
  });

  describe('refusals, each leaving nothing behind', () => {
    const count = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM reading_requests'))[0]!.n;

    it.each([
      ['an unknown priority', { priority: 'asap' }, 400, /priority must be one of/],
      ['a missing study id', { studyId: undefined }, 400, /studyId/],
      ['a study id that is not a uuid', { studyId: 42 }, 400, /studyId/],
      ['referral of the wrong type', { referral: 'yes' }, 400, /referral/],
      ['clinical notes over 2000 characters', { clinicalNotes: '很'.repeat(2001) }, 400, /clinicalNotes/],
      ['an unknown field', { colour: 'red' }, 400, /colour/],
      ['a study that does not exist', { studyId: '00000000-0000-4000-8000-000000000000' }, 404, /does not exist/],
      ['a centre of another discipline', { centre: 'imaging' }, 422, /reads imaging studies/],
    ])('%s: %i', async (_name, patch, status, message) => {
      const before = await count();
      const body: Record<string, unknown> = { studyId: await study(), priority: 'routine', ...patch };
      if ('centre' in body) {
        body.centreId = a.centreIds[body.centre as 'imaging'];
        delete body.centre;
      }
      const res = await postAs(t, '/api/requests', a.tokens.clinic_doctor, body);
      expect(res.status).toBe(status);
      expect(JSON.stringify(res.body.message)).toMatch(message);
      expect(await count()).toBe(before);
    });

    it('a study of another clinic (403, audited), the wrong role (403), no token (401), a second open request (409)', async () => {
      const foreign = await study(b);
      const before = await count();
      const res = await postAs(t, '/api/requests', a.tokens.clinic_doctor, { studyId: foreign, priority: 'stat' });
      expect(res.status).toBe(403);
      const [denied] = await t.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'reading.request.create' AND object_id = $1
            AND outcome = 'denied'`,
        [foreign],
      );
      expect(denied!.n).toBe(1);
      const own = await study();
      await postAs(t, '/api/requests', a.tokens.reader, { studyId: own, priority: 'stat' }).expect(403);
      await postAs(t, '/api/requests', null, { studyId: own, priority: 'stat' }).expect(401);
      expect(await count()).toBe(before);
      const first = await postAs(t, '/api/requests', a.tokens.clinic_doctor, { studyId: own, priority: 'stat' });
      expect(first.status).toBe(201);
      const second = await postAs(t, '/api/requests', a.tokens.clinic_doctor, { studyId: own, priority: 'urgent' });
      expect(second.status).toBe(409);
      expect(second.body.details).toEqual({ requestId: first.body.id });
      await getAs(t, `/api/requests/${first.body.id}`, b.tokens.clinic_doctor).expect(403);
      await getAs(t, `/api/requests/${first.body.id}`, b.tokens.reader).expect(403);
      await getAs(t, '/api/requests/not-a-uuid', a.tokens.clinic_doctor).expect(400);
    });

    it('claims: another centre (404), no privilege (403), a clinic user (403), a junior asking for review (403), bad tokens (400)', async () => {
      await claim(a.tokens.reader, b.centreIds.ecg).expect(404);
      const unprivileged = await addUser(t, a, { role: 'reader', privileges: [{ discipline: 'lab', canSign: false }] });
      const refused = await claim(unprivileged.token).expect(403);
      expect(refused.body.message).toMatch(/no reading privilege for ecg/);
      const deniedClaims = await t.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'reading.task.claim' AND outcome = 'denied'
            AND actor_user_id = $1`,
        [unprivileged.id],
      );
      expect(deniedClaims[0]!.n).toBe(1);
      const elsewhere = await addUser(t, a, {
        role: 'reader',
        institutionId: a.clinicIds[1],
        privileges: [{ discipline: 'ecg', canSign: false }],
      });
      expect((await claim(elsewhere.token).expect(403)).body.message).toMatch(/not on the staff/);
      await claim(a.tokens.clinic_doctor).expect(403);
      await postAs(t, `/api/centres/${a.centreIds.ecg}/claim`, a.tokens.reader, { stage: 'review' }).expect(403);
      await postAs(t, `/api/centres/${a.centreIds.ecg}/claim`, a.tokens.reader, { stage: 'sideways' }).expect(400);
      const req = await newRequest();
      for (const fencingToken of ['1', -1, 0, 1.5, null]) {
        await draft(a.tokens.reader, req.task.id, fencingToken).expect(400);
      }
      const long = await request(t.http)
        .put(`/api/tasks/${req.task.id}/report`)
        .auth(a.tokens.reader, { type: 'bearer' })
        .send({ fencingToken: 1, findings: 'x'.repeat(20001), impression: '' });
      expect(long.status).toBe(400);
      await draft(a.tokens.reader, '00000000-0000-4000-8000-000000000000', 1).expect(404);
      // A write to a task by someone who is not on the centre's staff is refused and audited, whatever the token.
      await draft(elsewhere.token, req.task.id, 1).expect(403);
      const deniedWrites = await t.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'reading.task.save' AND outcome = 'denied'
            AND object_id = $1 AND actor_user_id = $2`,
        [req.task.id, elsewhere.id],
      );
      expect(deniedWrites[0]!.n).toBe(1);
    });
  });
});
