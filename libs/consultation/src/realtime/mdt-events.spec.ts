import { describe, expect, it } from '@jest/globals';
import type { Socket as ClientSocket } from 'socket.io-client';
import type { Namespace } from 'socket.io';
import {
  applyRoomEvent,
  clientEventRefusal,
  EMPTY_ROOM_STATE,
  MDT_CLIENT_EVENTS,
  MDT_EVENT_TYPES,
  MDT_MAX_PAYLOAD_BYTES,
  MDT_PERSISTED_CLIENT_EVENTS,
  type MdtClientEventName,
  type MdtClientEvents,
  type MdtClientPayloads,
  type MdtEvent,
  type MdtEventPayloads,
  type MdtEventType,
  type MdtServerEvents,
  parseClientPayload,
  PERSISTED_TYPE_OF,
  reduceRoomState,
  serialisedSize,
} from './mdt-events.js';

const CONSULTATION = '6f1c2a1e-8b7d-4c2e-9a41-5d6e7f8a9b0c';
const ALICE = '11111111-1111-1111-1111-111111111111'; // a hand-made id as seeds use: not an RFC version, still a uuid
const BOB = '2b8e0a52-7f3c-4d1a-b5e6-0c9d8f7a6b5e';
const CAROL = '3c9f1b63-803d-4e2b-86f7-1d0e9a8b7c6f';
const ANN1 = 'a1a1a1a1-0000-4000-8000-000000000001';
const ANN2 = 'a1a1a1a1-0000-4000-8000-000000000002';
const STUDY = '1.2.840.113619.2.55.3.604688119.969.1268071029.320';
const SERIES = '1.2.840.113619.2.55.3.604688119.969.1268071029.321';
const SOP = '1.2.840.113619.2.55.3.604688119.969.1268071029.322';

/** One valid payload per client event. */
const VALID: { [E in MdtClientEventName]: MdtClientPayloads[E] } = {
  join: { consultationId: CONSULTATION, lastSeq: 0 },
  leave: {},
  'chat.send': { clientMsgId: 'm1', text: '请看第23层' },
  'view.set': {
    clientMsgId: 'm2',
    studyInstanceUid: STUDY,
    seriesInstanceUid: SERIES,
    sopInstanceUid: SOP,
    frame: 1,
    windowCenter: 40,
    windowWidth: 400,
    zoom: 1.5,
    panX: -12.5,
    panY: 3,
  },
  'presenter.handover': { clientMsgId: 'm3', toUserId: BOB },
  'annotation.add': {
    clientMsgId: 'm4',
    annotationId: ANN1,
    sopInstanceUid: SOP,
    kind: 'arrow',
    points: [
      { x: 10, y: 20 },
      { x: 30, y: 40 },
    ],
  },
  'annotation.update': { clientMsgId: 'm5', annotationId: ANN1, text: '结节' },
  'annotation.delete': { clientMsgId: 'm6', annotationId: ANN1 },
  'hand.raise': { clientMsgId: 'm7', raised: true },
  'conclusion.draft': { clientMsgId: 'm8', text: '' },
  'rtc.signal': { toUserId: BOB, kind: 'offer', payload: { type: 'offer', sdp: 'v=0\r\n' } },
};

function refused(event: string, raw: unknown) {
  const result = parseClientPayload(event, raw);
  if (result.ok) throw new Error(`expected ${event} to be refused, got ${JSON.stringify(result.value)}`);
  return result;
}

describe('parseClientPayload: valid payloads', () => {
  it.each(MDT_CLIENT_EVENTS)('%s accepts a valid payload', (event) => {
    const result = parseClientPayload(event, VALID[event]);
    expect(result).toEqual({ ok: true, value: VALID[event] });
  });

  it('takes the minimal view (a study only) and trims chat text', () => {
    expect(parseClientPayload('view.set', { clientMsgId: 'v', studyInstanceUid: STUDY }).ok).toBe(true);
    expect(parseClientPayload('chat.send', { clientMsgId: 'c', text: '  hi \n' })).toEqual({
      ok: true,
      value: { clientMsgId: 'c', text: 'hi' },
    });
  });

  it('takes every annotation kind with its minimum of points', () => {
    const base = { clientMsgId: 'a', annotationId: ANN1, sopInstanceUid: SOP };
    const two = [
      { x: 0, y: 0 },
      { x: 1, y: 1 },
    ];
    for (const kind of ['arrow', 'ellipse', 'length', 'polyline'] as const) {
      expect(parseClientPayload('annotation.add', { ...base, kind, points: two }).ok).toBe(true);
    }
    expect(
      parseClientPayload('annotation.add', { ...base, kind: 'text', points: [{ x: 5, y: 5 }], text: 'x' }).ok,
    ).toBe(true);
  });

  it('takes the limits exactly: 2000 chat characters, 20000 of conclusion, 500 points', () => {
    expect(parseClientPayload('chat.send', { clientMsgId: 'c', text: '字'.repeat(2000) }).ok).toBe(true);
    expect(parseClientPayload('conclusion.draft', { clientMsgId: 'c', text: '诊'.repeat(20_000) }).ok).toBe(true);
    const points = Array.from({ length: 500 }, (_, i) => ({ x: i, y: i / 3 }));
    expect(parseClientPayload('annotation.add', { ...VALID['annotation.add'], kind: 'polyline', points }).ok).toBe(
      true,
    );
    expect(parseClientPayload('annotation.update', { clientMsgId: 'u', annotationId: ANN1, points }).ok).toBe(true);
  });
});

describe('parseClientPayload: refusals', () => {
  it('an unknown event, including prototype names', () => {
    expect(refused('chat.shout', { text: 'x' })).toEqual({
      ok: false,
      code: 'invalid',
      error: 'unknown event "chat.shout"',
    });
    expect(refused('constructor', {}).error).toBe('unknown event "constructor"');
    expect(refused('__proto__', {}).code).toBe('invalid');
  });

  it('a payload that is not an object', () => {
    for (const raw of [null, undefined, 'text', 42, [VALID['chat.send']]]) {
      expect(refused('chat.send', raw)).toEqual({
        ok: false,
        code: 'invalid',
        error: 'chat.send: the payload must be an object',
      });
    }
  });

  it('says which field is too long, in characters', () => {
    expect(refused('chat.send', { clientMsgId: 'c', text: 'x'.repeat(2001) })).toEqual({
      ok: false,
      code: 'invalid',
      error: 'text: must be at most 2000 characters',
    });
    expect(refused('conclusion.draft', { clientMsgId: 'c', text: 'x'.repeat(20_001) }).error).toBe(
      'text: must be at most 20000 characters',
    );
    expect(refused('chat.send', { clientMsgId: 'c'.repeat(65), text: 'x' }).error).toBe(
      'clientMsgId: must be at most 64 characters',
    );
  });

  it('empty text and an empty clientMsgId', () => {
    expect(refused('chat.send', { clientMsgId: 'c', text: '   ' }).error).toBe('text: must not be empty');
    expect(refused('hand.raise', { clientMsgId: '', raised: true }).error).toBe('clientMsgId: must not be empty');
  });

  it('missing fields are named, all of them', () => {
    expect(refused('chat.send', {}).error).toBe('clientMsgId: is required; text: is required');
    expect(refused('join', { consultationId: CONSULTATION }).error).toBe('lastSeq: is required');
    expect(refused('annotation.delete', { annotationId: ANN1 }).error).toBe('clientMsgId: is required');
  });

  it('wrong types', () => {
    expect(refused('chat.send', { clientMsgId: 'c', text: 12 }).error).toBe('text: must be text');
    expect(refused('hand.raise', { clientMsgId: 'c', raised: 'yes' }).error).toBe('raised: must be true or false');
    expect(refused('join', { consultationId: CONSULTATION, lastSeq: '3' }).error).toBe('lastSeq: must be a number');
    expect(refused('join', { consultationId: CONSULTATION, lastSeq: 1.5 }).error).toBe(
      'lastSeq: must be a whole number',
    );
    expect(refused('join', { consultationId: CONSULTATION, lastSeq: -1 }).error).toBe('lastSeq: must be at least 0');
    expect(refused('join', { consultationId: 'room-1', lastSeq: 0 }).error).toBe('consultationId: must be a UUID');
    expect(refused('rtc.signal', { ...VALID['rtc.signal'], payload: 'v=0' }).error).toBe('payload: must be an object');
    expect(refused('rtc.signal', { ...VALID['rtc.signal'], payload: [1] }).error).toBe('payload: must be an object');
    expect(refused('rtc.signal', { ...VALID['rtc.signal'], kind: 'bye' }).error).toBe(
      'kind: must be one of "offer", "answer", "ice"',
    );
  });

  it('unknown fields are refused rather than dropped (a typo does not pass silently)', () => {
    expect(refused('chat.send', { ...VALID['chat.send'], txt: 'x' }).error).toBe('chat.send: unknown field "txt"');
    expect(refused('leave', { consultationId: CONSULTATION }).error).toBe('leave: unknown field "consultationId"');
    expect(refused('view.set', { ...VALID['view.set'], windowCentre: 40, level: 1 }).error).toBe(
      'view.set: unknown fields "windowCentre", "level"',
    );
  });

  it('view.set: UIDs, frame, window/level and zoom are checked', () => {
    const v = { clientMsgId: 'v', studyInstanceUid: STUDY };
    expect(refused('view.set', { ...v, studyInstanceUid: '1.2.abc' }).error).toBe(
      'studyInstanceUid: must be a DICOM UID (digits separated by dots)',
    );
    expect(refused('view.set', { ...v, studyInstanceUid: `1.${'2'.repeat(63)}` }).error).toBe(
      'studyInstanceUid: must be a DICOM UID of at most 64 characters',
    );
    expect(refused('view.set', { ...v, seriesInstanceUid: SERIES, sopInstanceUid: SOP, frame: 0 }).error).toBe(
      'frame: must be a frame number from 1',
    );
    expect(refused('view.set', { ...v, sopInstanceUid: SOP }).error).toBe(
      'seriesInstanceUid: is required with sopInstanceUid',
    );
    expect(refused('view.set', { ...v, frame: 2 }).error).toBe('sopInstanceUid: is required with frame');
    expect(refused('view.set', { ...v, windowCenter: 40 }).error).toBe(
      'windowWidth: windowCenter and windowWidth go together',
    );
    expect(refused('view.set', { ...v, windowCenter: 40, windowWidth: 0 }).error).toBe(
      'windowWidth: must be greater than 0',
    );
    expect(refused('view.set', { ...v, zoom: 101 }).error).toBe('zoom: must be at most 100');
    expect(refused('view.set', { ...v, panX: Number.POSITIVE_INFINITY }).error).toBe('panX: must be a finite number');
  });

  it('annotations: points, kinds and text', () => {
    const add = VALID['annotation.add'];
    expect(refused('annotation.add', { ...add, kind: 'circle' }).error).toBe(
      'kind: must be one of "arrow", "ellipse", "length", "text", "polyline"',
    );
    expect(refused('annotation.add', { ...add, points: [{ x: 1, y: 1 }] }).error).toBe(
      'points: an arrow needs at least 2 points',
    );
    expect(refused('annotation.add', { ...add, points: [] }).error).toBe('points: must not be empty');
    expect(refused('annotation.add', { ...add, points: [{ x: 1 }, { x: 2, y: 'a' }] }).error).toBe(
      'points[0].y: is required; points[1].y: must be a number',
    );
    expect(refused('annotation.add', { ...add, kind: 'text', points: [{ x: 1, y: 1 }] }).error).toBe(
      'text: is required for a text annotation',
    );
    const tooMany = Array.from({ length: 501 }, (_, i) => ({ x: i, y: i }));
    expect(refused('annotation.add', { ...add, points: tooMany }).error).toBe('points: must have at most 500 points');
    expect(refused('annotation.add', { ...add, annotationId: 'a1' }).error).toBe('annotationId: must be a UUID');
    expect(refused('annotation.update', { clientMsgId: 'u', annotationId: ANN1 }).error).toBe(
      'annotation.update: nothing to update: send points, text or both',
    );
  });

  it('reports at most five problems and counts the rest', () => {
    const error = refused('view.set', {
      clientMsgId: 1,
      studyInstanceUid: 2,
      seriesInstanceUid: 3,
      sopInstanceUid: 4,
      frame: 'a',
      windowCenter: 'b',
      windowWidth: 'c',
    }).error;
    expect(error.split('; ')).toHaveLength(6);
    expect(error).toMatch(/; and 2 more$/);
  });

  it('oversize payloads are too_large, checked before their shape', () => {
    const huge = { clientMsgId: 'c', text: 'x'.repeat(MDT_MAX_PAYLOAD_BYTES) };
    expect(refused('chat.send', huge)).toEqual({
      ok: false,
      code: 'too_large',
      error: 'chat.send: the payload is 129 KB; at most 128 KB is taken',
    });
    // Bytes, not characters: 45,000 CJK characters are 135,000 bytes of UTF-8.
    expect(refused('conclusion.draft', { clientMsgId: 'c', text: '诊'.repeat(45_000) }).code).toBe('too_large');
    // Even for an unexpected shape or field.
    expect(refused('hand.raise', { junk: 'x'.repeat(200_000) }).code).toBe('too_large');
  });

  it('an rtc.signal payload over 64 KB is too_large, under it is relayed', () => {
    const big = { ...VALID['rtc.signal'], payload: { sdp: 'a'.repeat(64 * 1024) } };
    expect(refused('rtc.signal', big)).toEqual({
      ok: false,
      code: 'too_large',
      error: 'payload: is 65 KB serialised; at most 64 KB is relayed',
    });
    const fits = { ...VALID['rtc.signal'], payload: { sdp: 'a'.repeat(60 * 1024) } };
    expect(parseClientPayload('rtc.signal', fits).ok).toBe(true);
  });

  it('a payload that cannot be serialised is invalid', () => {
    const cyclic: Record<string, unknown> = { clientMsgId: 'c' };
    cyclic['self'] = cyclic;
    expect(refused('chat.send', cyclic).error).toBe('chat.send: the payload cannot be serialised as JSON');
  });

  it('measures UTF-8 bytes of the JSON', () => {
    expect(serialisedSize(undefined)).toBe(0);
    expect(serialisedSize('a')).toBe(3);
    expect(serialisedSize('é')).toBe(4);
    expect(serialisedSize('诊')).toBe(5);
    expect(serialisedSize('😀')).toBe(6);
    expect(serialisedSize({ t: '诊断😀' })).toBe(Buffer.byteLength(JSON.stringify({ t: '诊断😀' }), 'utf8'));
  });
});

describe('event map', () => {
  it('maps every client event to its persisted type; only rtc.signal is not stored; the rest the hub writes', () => {
    expect(Object.keys(PERSISTED_TYPE_OF).sort()).toEqual([...MDT_CLIENT_EVENTS].sort());
    expect(PERSISTED_TYPE_OF['chat.send']).toBe('chat.message');
    expect(PERSISTED_TYPE_OF['view.set']).toBe('view.changed');
    expect(PERSISTED_TYPE_OF['rtc.signal']).toBeNull();
    const produced = Object.values(PERSISTED_TYPE_OF).filter((t) => t !== null);
    const writtenByHubForHttpChanges = ['conclusion.signed', 'room.closed'];
    expect(new Set([...produced, ...writtenByHubForHttpChanges])).toEqual(new Set(MDT_EVENT_TYPES));
  });

  it('every persisted client event requires a clientMsgId', () => {
    for (const event of MDT_PERSISTED_CLIENT_EVENTS) {
      const { clientMsgId: _omitted, ...rest } = VALID[event] as { clientMsgId: string };
      expect(refused(event, rest).error).toMatch(/^clientMsgId: is required/);
    }
    expect(MDT_PERSISTED_CLIENT_EVENTS).toHaveLength(MDT_CLIENT_EVENTS.length - 3);
  });

  it('types a socket.io server and client (compile-time)', () => {
    const onServer = (nsp: Namespace<MdtClientEvents, MdtServerEvents>) => {
      nsp.on('connection', (socket) => {
        socket.on('chat.send', (payload, ack) => {
          const text: string = payload.text;
          ack({ ok: true, seq: text.length });
        });
        socket.emit('session.expired', { message: 'log in again' });
      });
    };
    const onClient = (socket: ClientSocket<MdtServerEvents, MdtClientEvents>) => {
      socket.emit('join', { consultationId: CONSULTATION, lastSeq: 0 }, (res) => {
        if (res.ok) {
          const seqs: number[] = res.events.map((e) => e.seq);
          void seqs;
        } else {
          const code: string = res.code;
          void code;
        }
      });
      socket.on('mdt.event', (event) => {
        if (event.type === 'chat.message') {
          const text: string = event.payload.text;
          void text;
        }
      });
    };
    expect(typeof onServer).toBe('function');
    expect(typeof onClient).toBe('function');
  });
});

describe('room permissions', () => {
  const room = {
    presenterUserId: ALICE,
    participants: [
      { userId: ALICE, name: 'A', role: 'specialist' as const, joinedSeq: 1, joinedAt: '' },
      { userId: BOB, name: 'B', role: 'chair' as const, joinedSeq: 2, joinedAt: '' },
    ],
  };
  const alice = { userId: ALICE, role: 'specialist' as const };
  const bob = { userId: BOB, role: 'chair' as const };

  it('only the presenter sets the view', () => {
    expect(clientEventRefusal('view.set', VALID['view.set'], alice, room)).toBeNull();
    expect(clientEventRefusal('view.set', VALID['view.set'], bob, room)).toMatch(/Only the presenter controls/);
  });
  it('the presenter or the chair hands over, to someone present', () => {
    expect(clientEventRefusal('presenter.handover', { clientMsgId: 'h', toUserId: BOB }, alice, room)).toBeNull();
    expect(clientEventRefusal('presenter.handover', { clientMsgId: 'h', toUserId: ALICE }, bob, room)).toBeNull();
    expect(
      clientEventRefusal('presenter.handover', { clientMsgId: 'h', toUserId: BOB }, alice, {
        ...room,
        presenterUserId: BOB,
      }),
    ).toMatch(/Only the presenter or the chair/);
    expect(clientEventRefusal('presenter.handover', { clientMsgId: 'h', toUserId: CAROL }, alice, room)).toMatch(
      /not here/,
    );
  });
  it('only the chair drafts the conclusion', () => {
    expect(clientEventRefusal('conclusion.draft', VALID['conclusion.draft'], bob, room)).toBeNull();
    expect(clientEventRefusal('conclusion.draft', VALID['conclusion.draft'], alice, room)).toMatch(/Only the chair/);
  });
  it('a WebRTC signal goes to another participant who is present', () => {
    expect(clientEventRefusal('rtc.signal', VALID['rtc.signal'], alice, room)).toBeNull();
    expect(clientEventRefusal('rtc.signal', { ...VALID['rtc.signal'], toUserId: ALICE }, alice, room)).toMatch(
      /not to yourself/,
    );
    expect(clientEventRefusal('rtc.signal', { ...VALID['rtc.signal'], toUserId: CAROL }, alice, room)).toMatch(
      /not in the room/,
    );
  });
  it('everyone present may chat, annotate and raise a hand', () => {
    for (const event of ['chat.send', 'annotation.add', 'hand.raise', 'leave'] as const) {
      expect(clientEventRefusal(event, VALID[event], alice, room)).toBeNull();
    }
  });
});

describe('reduceRoomState', () => {
  const NAMES: Record<string, string> = { [ALICE]: '王医生', [BOB]: '李主任', [CAROL]: '张医生' };
  let seq = 0;
  function ev<T extends MdtEventType>(type: T, actor: string, payload: MdtEventPayloads[T]): MdtEvent {
    seq += 1;
    return {
      seq,
      consultationId: CONSULTATION,
      type,
      actorUserId: actor,
      actorName: NAMES[actor] ?? actor,
      occurredAt: new Date(Date.UTC(2026, 10, 22, 8, 0, seq)).toISOString(),
      payload,
    } as MdtEvent;
  }

  function session(): MdtEvent[] {
    seq = 0;
    return [
      ev('presence.joined', BOB, { role: 'chair' }), // 1
      ev('presenter.changed', BOB, { toUserId: BOB }), // 2
      ev('presence.joined', ALICE, { role: 'specialist' }), // 3
      ev('presence.joined', CAROL, { role: 'requester' }), // 4
      ev('view.changed', BOB, { clientMsgId: 'v1', studyInstanceUid: STUDY }), // 5
      ev('annotation.added', ALICE, { ...VALID['annotation.add'], annotationId: ANN1 }), // 6
      ev('annotation.added', CAROL, {
        clientMsgId: 'a2',
        annotationId: ANN2,
        sopInstanceUid: SOP,
        frame: 3,
        kind: 'text',
        points: [{ x: 1, y: 2 }],
        text: '钙化灶',
      }), // 7
      ev('annotation.updated', ALICE, {
        clientMsgId: 'u1',
        annotationId: ANN1,
        points: [
          { x: 0, y: 0 },
          { x: 5, y: 5 },
        ],
      }), // 8
      ev('annotation.deleted', CAROL, { clientMsgId: 'd1', annotationId: ANN2 }), // 9
      ev('hand.raised', ALICE, { clientMsgId: 'h1', raised: true }), // 10
      ev('hand.raised', CAROL, { clientMsgId: 'h2', raised: true }), // 11
      ev('presenter.changed', BOB, { clientMsgId: 'p1', toUserId: ALICE }), // 12
      ev('view.changed', ALICE, {
        clientMsgId: 'v2',
        studyInstanceUid: STUDY,
        seriesInstanceUid: SERIES,
        sopInstanceUid: SOP,
        frame: 2,
        windowCenter: 40,
        windowWidth: 400,
        zoom: 2,
      }), // 13
      ev('chat.message', CAROL, { clientMsgId: 'c1', text: '谢谢' }), // 14
      ev('conclusion.draft', BOB, { clientMsgId: 'cd1', text: '初稿' }), // 15
      ev('conclusion.draft', BOB, { clientMsgId: 'cd2', text: '建议手术' }), // 16
      ev('hand.raised', ALICE, { clientMsgId: 'h3', raised: false }), // 17
      ev('presence.left', CAROL, { reason: 'disconnected' }), // 18
    ];
  }

  it('starts empty', () => {
    expect(reduceRoomState([])).toEqual(EMPTY_ROOM_STATE);
  });

  it('folds a session into who is here, who presents, the view, annotations, hands and the draft', () => {
    const state = reduceRoomState(session());
    expect(state.consultationId).toBe(CONSULTATION);
    expect(state.lastSeq).toBe(18);
    expect(state.participants.map((p) => [p.userId, p.name, p.role, p.joinedSeq])).toEqual([
      [BOB, '李主任', 'chair', 1],
      [ALICE, '王医生', 'specialist', 3],
    ]);
    expect(state.presenterUserId).toBe(ALICE);
    expect(state.view).toEqual({
      studyInstanceUid: STUDY,
      seriesInstanceUid: SERIES,
      sopInstanceUid: SOP,
      frame: 2,
      windowCenter: 40,
      windowWidth: 400,
      zoom: 2,
      byUserId: ALICE,
      seq: 13,
    });
    expect(Object.keys(state.annotations)).toEqual([ANN1]);
    expect(state.annotations[ANN1]).toEqual({
      annotationId: ANN1,
      sopInstanceUid: SOP,
      kind: 'arrow',
      points: [
        { x: 0, y: 0 },
        { x: 5, y: 5 },
      ],
      authorUserId: ALICE,
      authorName: '王医生',
      createdSeq: 6,
      updatedSeq: 8,
    });
    // Alice lowered hers; Carol's went down when she left.
    expect(state.raisedHands).toEqual([]);
    expect(state.conclusionDraft).toEqual({
      text: '建议手术',
      byUserId: BOB,
      byName: '李主任',
      seq: 16,
      at: '2026-11-22T08:00:16.000Z',
    });
  });

  it('records the signature and then the closing the hub writes for HTTP changes; a closed room lowers hands', () => {
    const events = session();
    const open = reduceRoomState(events);
    expect(open.conclusionSigned).toBeNull();
    expect(open.closed).toBeNull();
    const signed = applyRoomEvent(
      open,
      ev('conclusion.signed', BOB, { signedAt: '2026-11-22T08:01:00.000Z', hash: 'ab' }),
    );
    expect(signed.conclusionSigned).toEqual({
      signedAt: '2026-11-22T08:01:00.000Z',
      hash: 'ab',
      byUserId: BOB,
      byName: '李主任',
      seq: 19,
    });
    const raised = applyRoomEvent(signed, ev('hand.raised', ALICE, { clientMsgId: 'h9', raised: true }));
    expect(raised.raisedHands).toEqual([ALICE]);
    const closed = applyRoomEvent(raised, ev('room.closed', BOB, { state: 'concluded' }));
    expect(closed.closed).toBe('concluded');
    expect(closed.raisedHands).toEqual([]);
    expect(closed.conclusionDraft).toEqual(open.conclusionDraft);
  });

  it('gives the same state whatever the order and however often an event is replayed', () => {
    const events = session();
    const expected = reduceRoomState(events);
    const shuffled = [...events].reverse();
    expect(reduceRoomState([...shuffled, ...events.slice(3, 9)])).toEqual(expected);
  });

  it('continues from a folded state: a late joiner catching up with what it missed', () => {
    const events = session();
    const early = reduceRoomState(events.slice(0, 10));
    expect(early.raisedHands).toEqual([ALICE]);
    expect(Object.keys(early.annotations)).toEqual([ANN1]);
    // Replay from seq 5 again (overlap) plus the rest: the overlap is skipped.
    expect(reduceRoomState(events.slice(4), early)).toEqual(reduceRoomState(events));
  });

  it('does not change the state it is given', () => {
    const events = session();
    const before = reduceRoomState(events.slice(0, 9));
    const snapshot = structuredClone(before);
    applyRoomEvent(before, events[9]!);
    reduceRoomState(events.slice(9), before);
    expect(before).toEqual(snapshot);
  });

  it('keeps raised hands in order, and a second raise does not move one', () => {
    seq = 0;
    const state = reduceRoomState([
      ev('hand.raised', CAROL, { clientMsgId: 'a', raised: true }),
      ev('hand.raised', ALICE, { clientMsgId: 'b', raised: true }),
      ev('hand.raised', CAROL, { clientMsgId: 'c', raised: true }),
    ]);
    expect(state.raisedHands).toEqual([CAROL, ALICE]);
  });

  it('a rejoin updates the participant and moves them to the end; leaving twice is harmless', () => {
    seq = 0;
    const state = reduceRoomState([
      ev('presence.joined', ALICE, { role: 'specialist' }),
      ev('presence.joined', BOB, { role: 'chair' }),
      ev('presence.left', ALICE, { reason: 'disconnected' }),
      ev('presence.left', ALICE, { reason: 'left' }),
      ev('presence.joined', ALICE, { role: 'specialist' }),
      ev('presence.joined', BOB, { role: 'chair' }),
    ]);
    expect(state.participants.map((p) => [p.userId, p.joinedSeq])).toEqual([
      [ALICE, 5],
      [BOB, 6],
    ]);
  });

  it('ignores updates and deletes of unknown annotations, a second add of an id, and a cleared text', () => {
    seq = 0;
    const state = reduceRoomState([
      ev('annotation.updated', ALICE, { clientMsgId: 'u0', annotationId: ANN2, text: 'x' }),
      ev('annotation.deleted', ALICE, { clientMsgId: 'd0', annotationId: ANN2 }),
      ev('annotation.added', ALICE, { ...VALID['annotation.add'], text: '看这里' }),
      ev('annotation.added', BOB, { ...VALID['annotation.add'], clientMsgId: 'other', kind: 'length' }),
      ev('annotation.updated', BOB, { clientMsgId: 'u1', annotationId: ANN1, text: '' }),
    ]);
    expect(Object.keys(state.annotations)).toEqual([ANN1]);
    const ann = state.annotations[ANN1]!;
    expect([ann.kind, ann.authorUserId, ann.createdSeq, ann.updatedSeq]).toEqual(['arrow', ALICE, 3, 5]);
    expect('text' in ann).toBe(false);
  });

  it('a presenter cleared by the hub, and events of another consultation ignored', () => {
    seq = 0;
    const events = [ev('presenter.changed', BOB, { toUserId: BOB }), ev('presenter.changed', BOB, { toUserId: null })];
    const other = {
      ...ev('presence.joined', CAROL, { role: 'requester' }),
      consultationId: CONSULTATION.replace('6', '7'),
    };
    const state = reduceRoomState([...events, other]);
    expect(state.presenterUserId).toBeNull();
    expect(state.participants).toEqual([]);
    expect(state.lastSeq).toBe(2);
  });
});
