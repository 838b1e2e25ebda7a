import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { type EventsListener, listenToEvents, refusedHandshake } from '../../support/events.js';
import { postAs } from '../../support/http.js';
import { addUser, uploadEcgStudy } from '../../support/reading.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../../support/test-app.js';

const TASK_PAYLOAD_KEYS = ['at', 'centreId', 'dueAt', 'priority', 'referral', 'requestId', 'state', 'taskId'];

describe('Live reading events on socket.io /events', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let n = 0;
  const open: EventsListener[] = [];
  const listen = async (token: string | undefined) => {
    const l = await listenToEvents(t, token);
    open.push(l);
    return l;
  };

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = [await createTenant(t), await createTenant(t)];
  });
  afterAll(async () => {
    for (const l of open) l.close();
    await t.close();
  });

  const newRequest = async (tenant: Tenant) => {
    const studyId = await uploadEcgStudy(t, tenant.tokens.clinic_doctor, `LE-${++n}`);
    const res = await postAs(t, '/api/requests', tenant.tokens.clinic_doctor, { studyId, priority: 'stat' }).expect(
      201,
    );
    return res.body as { id: string; task: { id: string } };
  };
  const claim = async (token: string, centreId: string, stage: 'read' | 'review' = 'read') =>
    (await postAs(t, `/api/centres/${centreId}/claim`, token, { stage }).expect(200)).body as {
      id: string;
      fencingToken: number;
    };
  const ofTask = (taskId: string) => (p: Record<string, unknown>) => p.taskId === taskId;

  it('refuses a handshake without a token, with a bad token, after logout, and for a role that follows nothing', async () => {
    const none = await refusedHandshake(t, undefined);
    expect(none.data?.statusCode).toBe(401);
    expect(none.message).toMatch(/auth: \{ token/);

    const forged = new JwtService({ secret: 'not-the-hub-secret-but-long-enough-0123456789' });
    const bad = await refusedHandshake(
      t,
      await forged.signAsync({ sub: a.userIds.reader, sid: 'x' }, { issuer: 'consortium-hub', expiresIn: 60 }),
    );
    expect(bad).toMatchObject({ data: { statusCode: 401 } });
    expect(bad.message).toMatch(/invalid or expired/);

    const specialist = await refusedHandshake(t, a.tokens.specialist);
    expect(specialist.data?.statusCode).toBe(403);
    expect(specialist.message).toMatch(/your roles follow none/);
    const [denied] = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events
        WHERE action = 'access.denied' AND object_type = 'socket_namespace' AND actor_user_id = $1`,
      [a.userIds.specialist],
    );
    expect(denied!.n).toBe(1);

    const reader = await addUser(t, a, { role: 'reader', privileges: [{ discipline: 'ecg', canSign: false }] });
    await postAs(t, '/api/auth/logout', reader.token, {}).expect(204);
    expect((await refusedHandshake(t, reader.token)).message).toMatch(/session has ended/);
  });

  it('puts each user in the rooms they may follow: privileged centres, their clinic, their consortium', async () => {
    const ecgOnly = await addUser(t, a, { role: 'reader', privileges: [{ discipline: 'ecg', canSign: false }] });
    const noPrivilege = await addUser(t, a, { role: 'reader' });
    const clinicReader = await addUser(t, a, {
      role: 'reader',
      institutionId: a.clinicIds[1],
      privileges: [{ discipline: 'ecg', canSign: false }],
    });
    expect((await listen(ecgOnly.token)).rooms).toEqual([`centre:${a.centreIds.ecg}`]);
    expect((await listen(a.tokens.clinic_doctor)).rooms).toEqual([`institution:${a.clinicIds[0]}`]);
    expect((await listen(a.tokens.coordinator)).rooms.sort()).toEqual(
      [`consortium:${a.consortiumId}`, ...Object.values(a.centreIds).map((id) => `centre:${id}`)].sort(),
    );
    // Staff of another institution, or without a privilege, follow no centre: the handshake is refused.
    expect((await refusedHandshake(t, noPrivilege.token)).data?.statusCode).toBe(403);
    expect((await refusedHandshake(t, clinicReader.token)).data?.statusCode).toBe(403);
  });

  it('tells the centre, the requesting clinic and the coordinators what happens, and no one else', async () => {
    const [readerA, seniorA, clinicA, coordinatorA, readerB, clinicB] = await Promise.all([
      listen(a.tokens.reader),
      listen(a.tokens.senior_reader),
      listen(a.tokens.clinic_doctor),
      listen(a.tokens.coordinator),
      listen(b.tokens.reader),
      listen(b.tokens.clinic_doctor),
    ]);
    const req = await newRequest(a);
    const taskId = req.task.id;

    const created = await readerA.next('task.created', ofTask(taskId));
    expect(Object.keys(created).sort()).toEqual(TASK_PAYLOAD_KEYS);
    expect(created).toMatchObject({ requestId: req.id, centreId: a.centreIds.ecg, state: 'queued', priority: 'stat' });
    await coordinatorA.next('task.created', ofTask(taskId));

    // Claim, give back, claim again: the centre sees each step; the clinic hears its request was taken up.
    let lease = await claim(a.tokens.reader, a.centreIds.ecg);
    expect(lease.id).toBe(taskId);
    expect(await readerA.next('task.claimed', ofTask(taskId))).toMatchObject({
      holderUserId: a.userIds.reader,
      state: 'claimed',
    });
    expect(await clinicA.next('request.claimed', ofTask(taskId))).toMatchObject({ requestId: req.id });
    await postAs(t, `/api/tasks/${taskId}/release`, a.tokens.reader, { fencingToken: lease.fencingToken }).expect(200);
    expect(await seniorA.next('task.released', ofTask(taskId))).toMatchObject({ cause: 'released', state: 'queued' });

    lease = await claim(a.tokens.reader, a.centreIds.ecg);
    await request(t.http)
      .put(`/api/tasks/${taskId}/report`)
      .auth(a.tokens.reader, { type: 'bearer' })
      .send({ fencingToken: lease.fencingToken, findings: '窦性心律。', impression: '正常心电图' })
      .expect(200);
    await postAs(t, `/api/tasks/${taskId}/submit`, a.tokens.reader, { fencingToken: lease.fencingToken }).expect(200);
    expect(await seniorA.next('task.submitted', ofTask(taskId))).toMatchObject({ state: 'submitted' });
    const review = await claim(a.tokens.senior_reader, a.centreIds.ecg, 'review');
    const signed = await postAs(t, `/api/tasks/${taskId}/sign`, a.tokens.senior_reader, {
      fencingToken: review.fencingToken,
    }).expect(200);
    const reportSigned = await clinicA.next('report.signed', ofTask(taskId));
    expect(reportSigned).toMatchObject({ reportId: signed.body.report.id, state: 'signed' });
    expect(Object.keys(reportSigned).sort()).toEqual([...TASK_PAYLOAD_KEYS, 'reportId'].sort());
    await readerA.next('report.signed', ofTask(taskId));

    // A return reaches the clinic with its reason.
    const second = await newRequest(a);
    const secondLease = await claim(a.tokens.reader, a.centreIds.ecg);
    expect(secondLease.id).toBe(second.task.id);
    await postAs(t, `/api/tasks/${second.task.id}/return`, a.tokens.reader, {
      fencingToken: secondLease.fencingToken,
      reason: 'poor_image_quality',
    }).expect(200);
    expect(await clinicA.next('request.returned', ofTask(second.task.id))).toMatchObject({
      reason: 'poor_image_quality',
      note: null,
      state: 'returned',
    });

    // Tenant B's sockets heard nothing of A. The marker (B's own request, claimed) comes after everything above,
    // so had any of A's events been sent to B they would have arrived first.
    const marker = await newRequest(b);
    await claim(b.tokens.reader, b.centreIds.ecg);
    await readerB.next('task.claimed', ofTask(marker.task.id));
    await clinicB.next('request.claimed', ofTask(marker.task.id));
    expect(readerB.received.map((e) => [e.name, e.payload.taskId])).toEqual([
      ['ready', undefined],
      ['task.created', marker.task.id],
      ['task.claimed', marker.task.id],
    ]);
    expect(clinicB.received.map((e) => [e.name, e.payload.taskId])).toEqual([
      ['ready', undefined],
      ['request.claimed', marker.task.id],
    ]);
    // And the clinic never sees the centre's internal steps.
    expect(clinicA.received.map((e) => e.name)).not.toContain('task.created');
    expect(clinicA.received.map((e) => e.name)).not.toContain('task.claimed');
  });

  it('closes the socket with session.expired when the access token expires', async () => {
    const { sub, sid } = new JwtService().decode<{ sub: string; sid: string }>(a.tokens.reader);
    const shortLived = await new JwtService({ secret: TEST_JWT_SECRET }).signAsync(
      { sub, sid },
      { issuer: 'consortium-hub', expiresIn: 2, algorithm: 'HS256' },
    );
    const listener = await listen(shortLived);
    const disconnected = new Promise<string>((resolve) => listener.socket.once('disconnect', resolve));
    expect(await listener.next('session.expired')).toMatchObject({ message: expect.stringMatching(/fresh one/) });
    expect(await disconnected).toBe('io server disconnect');
  });
});
