import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { ConsultationEventLog, type MdtAck, type MdtEvent, reduceRoomState } from '@hub/consultation';
import { openConsultation } from '../../support/consultations.js';
import { postAs } from '../../support/http.js';
import { connectMdt, type MdtClient, refusedMdtHandshake, settle } from '../../support/mdt.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../../support/test-app.js';

const SOP = '1.2.840.113619.2.55.3.1';
const STUDY = '1.2.840.113619.2.55.1';
const SERIES = '1.2.840.113619.2.55.2';

describe('Live MDT rooms on socket.io /mdt', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  const open: MdtClient[] = [];
  let n = 0;
  const mid = () => `m-${++n}`;

  const connect = async (token: string) => {
    const client = await connectMdt(t, token);
    open.push(client);
    return client;
  };
  /** Connects and joins; fails the test if the join is refused. */
  const enter = async (token: string, consultationId: string, lastSeq = 0) => {
    const client = await connect(token);
    const ack = await client.join(consultationId, lastSeq);
    if (!ack.ok) throw new Error(`join refused: ${ack.code} ${ack.error}`);
    return { client, ack };
  };
  const stored = async (consultationId: string, where = 'true', params: unknown[] = []) => {
    const [row] = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM consultation_events WHERE consultation_id = $1 AND ${where}`,
      [consultationId, ...params],
    );
    return row!.n;
  };
  const seqOf = (ack: MdtAck) => {
    if (!ack.ok) throw new Error(`refused: ${ack.code} ${ack.error}`);
    return ack.seq;
  };
  const chat = (text: string) => ({ clientMsgId: mid(), text });
  const isContiguous = (events: readonly MdtEvent[]) =>
    events.every((e, i) => i === 0 || e.seq === events[i - 1]!.seq + 1);

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = [await createTenant(t), await createTenant(t)];
  });
  afterAll(async () => {
    for (const client of open) client.close();
    await t?.close();
  });

  it('refuses a handshake without a token or with a bad one (401)', async () => {
    const none = await refusedMdtHandshake(t, undefined);
    expect(none.data?.statusCode).toBe(401);
    expect(none.message).toMatch(/auth: \{ token/);
    const forged = await new JwtService({ secret: 'not-the-hub-secret-but-long-enough-0123456789' }).signAsync(
      { sub: a.userIds.specialist, sid: 'x' },
      { issuer: 'consortium-hub', expiresIn: 60 },
    );
    const bad = await refusedMdtHandshake(t, forged);
    expect(bad.data?.statusCode).toBe(401);
    expect(bad.message).toMatch(/invalid or expired/);
  });

  it('refuses a join to an uninvited specialist, another consortium and an unknown id, with a reason, audited', async () => {
    const c = await openConsultation(t, a);
    const uninvited = await connect(a.tokens.specialist);
    expect(await uninvited.send('chat.send', chat('before joining'))).toMatchObject({ ok: false, code: 'not_joined' });
    const refused = await uninvited.join(c.id);
    expect(refused).toMatchObject({ ok: false, code: 'forbidden', error: expect.stringMatching(/open only to/) });
    expect(await uninvited.send('chat.send', chat('after a refused join'))).toMatchObject({ code: 'not_joined' });

    const outsider = await connect(b.tokens.coordinator);
    expect(await outsider.join(c.id)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await outsider.join(randomUUID())).toEqual(await outsider.join(c.id)); // does not say whether it exists
    expect(await outsider.sendRaw('join', { consultationId: 'nope', lastSeq: -1 })).toMatchObject({
      ok: false,
      code: 'invalid',
      error: expect.stringMatching(/consultationId: must be a UUID.*lastSeq/),
    });

    const denied = await t.sql<{ actor_user_id: string; patient_id: string; reason: string }>(
      `SELECT actor_user_id, patient_id, details->>'reason' AS reason FROM audit_events
        WHERE action = 'consultation.room.join' AND outcome = 'denied' AND object_id = $1 ORDER BY id`,
      [c.id],
    );
    expect(denied.map((r) => r.actor_user_id)).toEqual([
      a.userIds.specialist,
      b.userIds.coordinator,
      b.userIds.coordinator,
    ]);
    expect(denied[0]).toMatchObject({ patient_id: c.patientId, reason: expect.stringMatching(/open only to/) });
    expect(await stored(c.id)).toBe(0);
  });

  it('opens a scheduled room early and refuses it once cancelled; an ended one too', async () => {
    const s = await openConsultation(t, a, { state: 'scheduled' });
    const { client: chair } = await enter(s.chair.token, s.id);
    expect(await chair.leave()).toEqual({ ok: true });
    await postAs(t, `/api/consultations/${s.id}/cancel`, s.coordinator.token, { reason: '患者已转院' }).expect(200);
    expect(await chair.join(s.id)).toMatchObject({
      ok: false,
      code: 'forbidden',
      error: expect.stringMatching(/cancelled/),
    });
    expect(await stored(s.id, "type = 'presence.left'")).toBe(1);

    const c = await openConsultation(t, a);
    const { client } = await enter(c.chair.token, c.id);
    const text = '考虑急性下壁心肌梗死，建议急诊PCI。';
    seqOf(await client.send('conclusion.draft', { clientMsgId: mid(), text }));
    await postAs(t, `/api/consultations/${c.id}/conclusion/sign`, c.chair.token, {}).expect(200);
    // Signed: no more drafts, not even from the chair.
    expect(await client.send('conclusion.draft', { clientMsgId: mid(), text: 'changed' })).toMatchObject({
      ok: false,
      code: 'forbidden',
      error: expect.stringMatching(/signed/),
    });
    await postAs(t, `/api/consultations/${c.id}/end`, c.coordinator.token, {}).expect(200);
    const late = await connect(c.specialist.token);
    expect(await late.join(c.id)).toMatchObject({
      ok: false,
      code: 'forbidden',
      error: expect.stringMatching(/ended/),
    });
    // The room is closed for what depends on it, too.
    expect(await client.send('view.set', { clientMsgId: mid(), studyInstanceUid: STUDY })).toMatchObject({
      code: 'forbidden',
      error: expect.stringMatching(/closed/),
    });
    const before = await stored(c.id, "type = 'chat.message'");
    expect(await client.send('chat.send', { clientMsgId: mid(), text: '还在吗？' })).toMatchObject({
      code: 'forbidden',
      error: expect.stringMatching(/closed/),
    });
    expect(await stored(c.id, "type = 'chat.message'")).toBe(before);
  });

  it('shows two participants each other’s presence, chat and annotations, numbered in order', async () => {
    const c = await openConsultation(t, a);
    const { client: chair, ack: chairAck } = await enter(c.chair.token, c.id);
    expect(chairAck).toMatchObject({ ok: true, role: 'chair', presenterUserId: null });
    const { client: spec, ack: specAck } = await enter(c.specialist.token, c.id);
    expect(specAck).toMatchObject({ ok: true, role: 'specialist' });
    if (!specAck.ok) throw new Error('unreachable');
    expect(specAck.events.map((e) => [e.seq, e.type, e.actorUserId])).toEqual([
      [1, 'presence.joined', c.chair.id],
      [2, 'presence.joined', c.specialist.id],
    ]);
    await chair.waitFor((e) => e.type === 'presence.joined' && e.actorUserId === c.specialist.id, 'specialist joined');

    const said = seqOf(await spec.send('chat.send', { clientMsgId: mid(), text: '  ST段抬高，II、III、aVF导联  ' }));
    const annotationId = randomUUID();
    const added = seqOf(
      await chair.send('annotation.add', {
        clientMsgId: mid(),
        annotationId,
        sopInstanceUid: SOP,
        kind: 'arrow',
        points: [
          { x: 10, y: 20 },
          { x: 30, y: 40 },
        ],
        text: 'ST elevation',
      }),
    );
    const updated = seqOf(await spec.send('annotation.update', { clientMsgId: mid(), annotationId, text: 'STEMI?' }));
    seqOf(await spec.send('hand.raise', { clientMsgId: mid(), raised: true }));
    const second = randomUUID();
    seqOf(
      await chair.send('annotation.add', {
        clientMsgId: mid(),
        annotationId: second,
        sopInstanceUid: SOP,
        kind: 'text',
        points: [{ x: 1, y: 1 }],
        text: 'lead II',
      }),
    );
    const deleted = seqOf(await chair.send('annotation.delete', { clientMsgId: mid(), annotationId: second }));
    expect([said, added, updated, deleted]).toEqual([...[said, added, updated, deleted]].sort((x, y) => x - y));

    await chair.waitFor((e) => e.seq === deleted, 'the deletion');
    await spec.waitFor((e) => e.seq === deleted, 'the deletion');
    expect(chair.events.find((e) => e.seq === said)?.payload).toMatchObject({ text: 'ST段抬高，II、III、aVF导联' });
    // Both hold the same log, 1..n without gaps, and fold it to the same room.
    expect(chair.events.map((e) => e.seq)).toEqual(spec.events.map((e) => e.seq));
    expect(chair.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const room = reduceRoomState(spec.events);
    expect(room.participants.map((p) => [p.userId, p.role])).toEqual([
      [c.chair.id, 'chair'],
      [c.specialist.id, 'specialist'],
    ]);
    expect(Object.keys(room.annotations)).toEqual([annotationId]);
    expect(room.annotations[annotationId]).toMatchObject({ text: 'STEMI?', authorUserId: c.chair.id });
    expect(room.raisedHands).toEqual([c.specialist.id]);

    // The requesting side and the coordinator may join as well, with their own standing.
    expect((await enter(c.requester.token, c.id)).ack).toMatchObject({ ok: true, role: 'requester' });
    expect((await enter(c.coordinator.token, c.id)).ack).toMatchObject({ ok: true, role: 'coordinator' });

    // Each successful join is audited as access to the patient's case, with the socket's user.
    const joins = await t.sql<{ actor_user_id: string; patient_id: string; role: string }>(
      `SELECT actor_user_id, patient_id, details->>'role' AS role FROM audit_events
        WHERE action = 'consultation.room.join' AND outcome = 'success' AND object_id = $1 ORDER BY id`,
      [c.id],
    );
    expect(joins).toEqual([
      { actor_user_id: c.chair.id, patient_id: c.patientId, role: 'chair' },
      { actor_user_id: c.specialist.id, patient_id: c.patientId, role: 'specialist' },
      { actor_user_id: c.requester.id, patient_id: c.patientId, role: 'requester' },
      { actor_user_id: c.coordinator.id, patient_id: c.patientId, role: 'coordinator' },
    ]);
  });

  it('stores a retried clientMsgId once and acks its first seq, broadcasting it once', async () => {
    const c = await openConsultation(t, a);
    const { client: chair } = await enter(c.chair.token, c.id);
    const { client: spec } = await enter(c.specialist.token, c.id);
    const { client: specOtherTab } = await enter(c.specialist.token, c.id);
    const message = chat('retry me');
    const first = seqOf(await spec.send('chat.send', message));
    expect(seqOf(await spec.send('chat.send', message))).toBe(first);
    // A retry racing the first send, from the same user's other socket.
    const raced = chat('raced');
    const [x, y] = await Promise.all([spec.send('chat.send', raced), specOtherTab.send('chat.send', raced)]);
    expect(seqOf(x)).toBe(seqOf(y));
    await chair.waitFor((e) => e.seq === seqOf(x), 'the raced message');
    await settle();
    for (const id of [message.clientMsgId, raced.clientMsgId]) {
      expect(chair.heard.filter((e) => e.type === 'chat.message' && e.payload.clientMsgId === id)).toHaveLength(1);
      expect(await stored(c.id, 'client_msg_id = $2', [id])).toBe(1);
    }
    // One user with two sockets is present once.
    expect(await stored(c.id, `type = 'presence.joined' AND actor_user_id = $2`, [c.specialist.id])).toBe(1);
    specOtherTab.close();
    spec.close();
    await chair.waitFor((e) => e.type === 'presence.left' && e.actorUserId === c.specialist.id, 'specialist left');
    expect(await stored(c.id, `type = 'presence.left'`)).toBe(1);
  });

  it('numbers a burst from several sockets in two rooms without a gap, each socket’s messages in the order sent', async () => {
    const rooms = [await openConsultation(t, a), await openConsultation(t, a)];
    const senders = await Promise.all(
      rooms.flatMap((c) =>
        [c.chair.token, c.specialist.token].map(async (token) => ({ c, ...(await enter(token, c.id)) })),
      ),
    );
    // Every socket sends its messages without waiting for acks, all at once: they are committed in groups.
    const sent = await Promise.all(
      senders.map(async ({ c, client }) => {
        const messages = Array.from({ length: 8 }, (_, i) => chat(`burst ${i}`));
        const acks = await Promise.all(messages.map((m) => client.send('chat.send', m)));
        return { c, messages, seqs: acks.map(seqOf) };
      }),
    );
    for (const c of rooms) {
      const rows = await t.sql<{ seq: number; client_msg_id: string | null }>(
        'SELECT seq::int AS seq, client_msg_id FROM consultation_events WHERE consultation_id = $1 ORDER BY seq',
        [c.id],
      );
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
      const [lastSeq] = await t.sql<{ last_seq: number }>('SELECT last_seq::int FROM consultations WHERE id = $1', [
        c.id,
      ]);
      expect(lastSeq!.last_seq).toBe(rows.length);
      for (const s of sent.filter((x) => x.c === c)) {
        // Acked seqs are the stored ones, rising in the order the socket sent.
        expect(s.seqs).toEqual([...s.seqs].sort((x, y) => x - y));
        const storedSeqs = s.messages.map((m) => rows.find((r) => r.client_msg_id === m.clientMsgId)?.seq);
        expect(storedSeqs).toEqual(s.seqs);
      }
    }
  });

  it('fails only the event PostgreSQL refuses when it shares a group commit with others', async () => {
    const c = await openConsultation(t, a);
    const log = t.app.get(ConsultationEventLog);
    const before = await stored(c.id);
    const entry = (text: string) => ({
      consultationId: c.id,
      type: 'chat.message' as const,
      actorUserId: c.chair.id,
      actorName: 'chair',
      clientMsgId: mid(),
      payload: { clientMsgId: 'x', text },
    });
    // Past the socket's validation (which refuses U+0000), straight into one group with two good events.
    const outcomes = await Promise.allSettled([
      log.appendWhileOpen(entry('fine')),
      log.appendWhileOpen(entry('NUL \u0000 in text')),
      log.appendWhileOpen(entry('also fine')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const seqs = outcomes.flatMap((o) => (o.status === 'fulfilled' && o.value ? [o.value.event.seq] : []));
    expect(seqs).toEqual([before + 1, before + 2]);
    expect(await stored(c.id)).toBe(before + 2);
  });

  it('answers malformed and oversize payloads with an error ack, storing and broadcasting nothing', async () => {
    const c = await openConsultation(t, a);
    const { client: chair } = await enter(c.chair.token, c.id);
    const { client: spec } = await enter(c.specialist.token, c.id);
    await chair.waitFor((e) => e.type === 'presence.joined' && e.actorUserId === c.specialist.id);
    const rows = await stored(c.id);
    const heard = chair.heard.length;

    const cases: [string, unknown[], string, RegExp][] = [
      ['chat.send', [{ clientMsgId: mid(), text: '   ' }], 'invalid', /text: must not be empty/],
      ['chat.send', [{ clientMsgId: mid(), text: 'a\u0000b' }], 'invalid', /text: must not contain the NUL character/],
      ['chat.send', [{ clientMsgId: mid(), text: 'hi', html: '<b>' }], 'invalid', /unknown field "html"/],
      ['chat.send', ['just a string'], 'invalid', /must be an object/],
      ['hand.raise', [], 'invalid', /must be an object/],
      ['chat.send', [{ clientMsgId: mid(), text: 'x'.repeat(200_000) }], 'too_large', /at most 128 KB/],
      [
        'annotation.add',
        [
          {
            clientMsgId: mid(),
            annotationId: randomUUID(),
            sopInstanceUid: SOP,
            kind: 'polyline',
            points: Array.from({ length: 501 }, (_, i) => ({ x: i, y: i })),
          },
        ],
        'invalid',
        /points: must have at most 500 points/,
      ],
      ['view.set', [{ clientMsgId: mid(), studyInstanceUid: 'not-a-uid' }], 'invalid', /studyInstanceUid/],
      ['annotation.update', [{ clientMsgId: mid(), annotationId: randomUUID() }], 'invalid', /nothing to update/],
      [
        'rtc.signal',
        [{ toUserId: c.chair.id, kind: 'offer', payload: { sdp: 'v'.repeat(70_000) } }],
        'too_large',
        /payload: is 69 KB/,
      ],
      ['mdt.event', [{}], 'invalid', /unknown event "mdt.event"/],
    ];
    for (const [event, args, code, error] of cases) {
      expect({ event, ack: await spec.sendRaw(event, ...args) }).toEqual({
        event,
        ack: { ok: false, code, error: expect.stringMatching(error) },
      });
    }
    expect(spec.socket.connected).toBe(true);
    await settle();
    expect(await stored(c.id)).toBe(rows);
    expect(chair.heard.length).toBe(heard);
    expect(chair.signals).toHaveLength(0);
  });

  it('lets only the presenter set the view; the presenter or chair hands it over; a leaving presenter frees it', async () => {
    const c = await openConsultation(t, a);
    const { client: chair } = await enter(c.chair.token, c.id);
    const { client: spec } = await enter(c.specialist.token, c.id);
    const { client: requester } = await enter(c.requester.token, c.id);
    const view = () => ({
      clientMsgId: mid(),
      studyInstanceUid: STUDY,
      seriesInstanceUid: SERIES,
      sopInstanceUid: SOP,
      frame: 1,
      windowCenter: 40,
      windowWidth: 400,
      zoom: 1.5,
    });
    const onlyPresenter = { ok: false, code: 'forbidden', error: expect.stringMatching(/Only the presenter/) };
    expect(await spec.send('view.set', view())).toEqual(onlyPresenter);
    expect(await chair.send('view.set', view())).toEqual(onlyPresenter); // nobody presents yet
    expect(await spec.send('presenter.handover', { clientMsgId: mid(), toUserId: c.specialist.id })).toMatchObject({
      code: 'forbidden',
      error: expect.stringMatching(/presenter or the chair/),
    });
    expect(await chair.send('presenter.handover', { clientMsgId: mid(), toUserId: c.coordinator.id })).toMatchObject({
      code: 'forbidden',
      error: expect.stringMatching(/not here/),
    });

    seqOf(await chair.send('presenter.handover', { clientMsgId: mid(), toUserId: c.specialist.id }));
    const shown = seqOf(await spec.send('view.set', view()));
    expect(await chair.send('view.set', view())).toEqual(onlyPresenter);
    await requester.waitFor((e) => e.seq === shown, 'the view');
    expect(reduceRoomState(requester.events).view).toMatchObject({ byUserId: c.specialist.id, frame: 1, zoom: 1.5 });

    // A late joiner learns who presents from the join ack.
    const { ack } = await enter(c.coordinator.token, c.id);
    expect(ack).toMatchObject({ ok: true, presenterUserId: c.specialist.id });

    // The presenter hands on; when the new presenter leaves, nobody presents until the chair hands it on.
    seqOf(await spec.send('presenter.handover', { clientMsgId: mid(), toUserId: c.requester.id }));
    seqOf(await requester.send('view.set', view()));
    expect(await requester.leave()).toEqual({ ok: true });
    const freed = await chair.waitFor((e) => e.type === 'presenter.changed' && e.payload.toUserId === null, 'freed');
    const left = chair.events.find((e) => e.type === 'presence.left' && e.actorUserId === c.requester.id);
    expect(left?.payload).toEqual({ reason: 'left' });
    expect(freed.seq).toBe(left!.seq + 1);
    expect(await spec.send('view.set', view())).toEqual(onlyPresenter);
    expect(await requester.send('view.set', view())).toMatchObject({ code: 'not_joined' });
    const { ack: again } = await enter(c.requester.token, c.id);
    expect(again).toMatchObject({ ok: true, presenterUserId: null });
  });

  it('relays rtc.signal to the named participant only and stores none of it', async () => {
    const c = await openConsultation(t, a);
    const { client: chair } = await enter(c.chair.token, c.id);
    const { client: spec } = await enter(c.specialist.token, c.id);
    const { client: requester } = await enter(c.requester.token, c.id);
    const rows = await stored(c.id);

    const offer = { type: 'offer', sdp: 'v=0\r\no=- 46117317 2 IN IP4 127.0.0.1\r\n' };
    expect(await chair.signal({ toUserId: c.specialist.id, kind: 'offer', payload: offer })).toEqual({ ok: true });
    expect(
      await spec.signal({ toUserId: c.chair.id, kind: 'answer', payload: { type: 'answer', sdp: 'v=0' } }),
    ).toEqual({ ok: true });
    await settle();
    expect(spec.signals).toEqual([{ fromUserId: c.chair.id, kind: 'offer', payload: offer }]);
    expect(chair.signals).toEqual([
      { fromUserId: c.specialist.id, kind: 'answer', payload: { type: 'answer', sdp: 'v=0' } },
    ]);
    expect(requester.signals).toHaveLength(0);

    expect(await chair.signal({ toUserId: c.chair.id, kind: 'ice', payload: {} })).toMatchObject({
      code: 'forbidden',
      error: expect.stringMatching(/not to yourself/),
    });
    expect(await chair.signal({ toUserId: c.coordinator.id, kind: 'ice', payload: {} })).toMatchObject({
      code: 'forbidden',
      error: expect.stringMatching(/not in the room/),
    });
    // The coordinator is connected, but in no room: still not reachable through this one.
    const coordinator = await connect(c.coordinator.token);
    expect(await chair.signal({ toUserId: c.coordinator.id, kind: 'ice', payload: {} })).toMatchObject({
      code: 'forbidden',
    });
    expect(coordinator.signals).toHaveLength(0);
    expect(await stored(c.id)).toBe(rows);
  });

  it('rate-limits a flooding participant without storing what it refused', async () => {
    const c = await openConsultation(t, a);
    const { client: spec } = await enter(c.specialist.token, c.id);
    const before = await stored(c.id);
    const acks = await Promise.all(Array.from({ length: 120 }, (_, i) => spec.send('chat.send', chat(`flood ${i}`))));
    const ok = acks.filter((ack) => ack.ok).length;
    const limited = acks.filter((ack) => !ack.ok && ack.code === 'rate_limited');
    expect(ok + limited.length).toBe(120);
    expect(ok).toBeGreaterThanOrEqual(38); // the burst (the join took one token)
    expect(ok).toBeLessThan(80);
    expect(limited[0]).toMatchObject({ error: expect.stringMatching(/at most 20 per second \(bursts of 40\)/) });
    expect(await stored(c.id)).toBe(before + ok);
    await settle(300);
    seqOf(await spec.send('chat.send', chat('after a pause')));
  });

  it('gives a client that was away exactly the events it missed, once, then continues live', async () => {
    const c = await openConsultation(t, a);
    const { client: chair } = await enter(c.chair.token, c.id);
    const { client: spec } = await enter(c.specialist.token, c.id);
    seqOf(await spec.send('chat.send', chat('before leaving')));
    await spec.waitFor((e) => e.type === 'chat.message');
    const lastSeq = spec.lastSeq();
    expect(lastSeq).toBe(3);
    spec.close(); // away (as long as it likes: the log keeps everything)

    await chair.waitFor((e) => e.type === 'presence.left' && e.actorUserId === c.specialist.id, 'specialist left');
    const missed: string[] = [];
    for (let i = 0; i < 7; i++) {
      const message = chat(`while away ${i}`);
      missed.push(message.clientMsgId);
      seqOf(await chair.send('chat.send', message));
    }
    seqOf(await chair.send('hand.raise', { clientMsgId: mid(), raised: true }));

    const { client: back, ack } = await enter(c.specialist.token, c.id, lastSeq);
    if (!ack.ok) throw new Error('unreachable');
    expect(ack.events[0]!.seq).toBe(lastSeq + 1);
    expect(isContiguous(ack.events)).toBe(true);
    expect(ack.events.map((e) => e.type)).toEqual([
      'presence.left',
      ...missed.map(() => 'chat.message'),
      'hand.raised',
      'presence.joined',
    ]);
    expect(ack.events.filter((e) => e.type === 'chat.message').map((e) => e.payload.clientMsgId)).toEqual(missed);

    const live = seqOf(await chair.send('chat.send', chat('welcome back')));
    await back.waitFor((e) => e.seq === live, 'the live message');
    await settle();
    expect(back.events.map((e) => e.seq)).toEqual(Array.from({ length: live - lastSeq }, (_, i) => lastSeq + 1 + i));
    expect(new Set(back.heard.map((e) => e.seq)).size).toBe(back.heard.length); // nothing heard twice
    expect(back.heard.some((e) => ack.events.some((r) => r.seq === e.seq))).toBe(false);

    // Re-joining on the same socket replays from the given seq and is not a new arrival.
    const rejoin = await back.join(c.id, live - 2);
    expect(rejoin.ok && rejoin.events.map((e) => e.seq)).toEqual([live - 1, live]);
    expect(await stored(c.id, `type = 'presence.joined' AND actor_user_id = $2`, [c.specialist.id])).toBe(2);
  });

  it('stores the chair’s conclusion draft with its event; only the chair drafts; REST drafts, the signature and the end reach the room', async () => {
    const c = await openConsultation(t, a);
    const { client: chair } = await enter(c.chair.token, c.id);
    const { client: spec } = await enter(c.specialist.token, c.id);
    const text = '意见：急性下壁STEMI，建议急诊冠脉造影。';
    const seq = seqOf(await chair.send('conclusion.draft', { clientMsgId: mid(), text }));
    const [row] = await t.sql<{ conclusion_text: string }>('SELECT conclusion_text FROM consultations WHERE id = $1', [
      c.id,
    ]);
    expect(row!.conclusion_text).toBe(text);
    expect(await spec.waitFor((e) => e.seq === seq)).toMatchObject({ type: 'conclusion.draft', payload: { text } });
    expect(await spec.send('conclusion.draft', { clientMsgId: mid(), text: 'mine' })).toMatchObject({
      code: 'forbidden',
      error: expect.stringMatching(/Only the chair/),
    });

    const res = await request(t.http)
      .put(`/api/consultations/${c.id}/conclusion`)
      .auth(c.chair.token, { type: 'bearer' })
      .send({ text: `${text}（修订）` });
    expect(res.status).toBe(200);
    const viaRest = await spec.waitFor((e) => e.type === 'conclusion.draft' && e.seq > seq, 'the REST draft');
    expect(viaRest.payload).toMatchObject({ text: `${text}（修订）` });
    expect(reduceRoomState(spec.events).conclusionDraft).toMatchObject({
      text: `${text}（修订）`,
      byUserId: c.chair.id,
    });

    // Signing and ending happen over HTTP; the room hears both at once, in order, and then takes no more events.
    await request(t.http)
      .post(`/api/consultations/${c.id}/conclusion/sign`)
      .auth(c.chair.token, { type: 'bearer' })
      .expect(200);
    const signed = await spec.waitFor((e) => e.type === 'conclusion.signed', 'the signature');
    const [consultation] = await t.sql<{ conclusion_hash: string }>(
      'SELECT conclusion_hash FROM consultations WHERE id = $1',
      [c.id],
    );
    expect(signed).toMatchObject({ actorUserId: c.chair.id, payload: { hash: consultation!.conclusion_hash } });
    await request(t.http).post(`/api/consultations/${c.id}/end`).auth(c.chair.token, { type: 'bearer' }).expect(200);
    const closed = await spec.waitFor((e) => e.type === 'room.closed', 'the closing');
    expect(closed.seq).toBeGreaterThan(signed.seq);
    expect(reduceRoomState(spec.events)).toMatchObject({ closed: 'concluded', conclusionSigned: { seq: signed.seq } });
    expect(await spec.send('chat.send', chat('还在吗'))).toMatchObject({ ok: false });
  });

  it('closes the socket with session.expired when the token expires, logging the departure', async () => {
    const c = await openConsultation(t, a);
    const { client: chair } = await enter(c.chair.token, c.id);
    const { sub, sid } = new JwtService().decode<{ sub: string; sid: string }>(c.specialist.token);
    const shortLived = await new JwtService({ secret: TEST_JWT_SECRET }).signAsync(
      { sub, sid },
      { issuer: 'consortium-hub', expiresIn: 2, algorithm: 'HS256' },
    );
    const { client: spec } = await enter(shortLived, c.id);
    const expired = new Promise<{ message: string }>((resolve) => spec.socket.once('session.expired', resolve));
    const disconnected = new Promise<string>((resolve) => spec.socket.once('disconnect', resolve));
    expect((await expired).message).toMatch(/fresh one/);
    expect(await disconnected).toBe('io server disconnect');
    const left = await chair.waitFor((e) => e.type === 'presence.left' && e.actorUserId === c.specialist.id);
    expect(left.payload).toEqual({ reason: 'session_expired' });
  });
});
