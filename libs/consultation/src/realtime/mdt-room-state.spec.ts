import { describe, expect, it } from '@jest/globals';
import type { MdtEvent } from './mdt-events.js';
import { MdtRoomStates } from './mdt-room-state.js';

const ROOM = '6f1c2a1e-8b7d-4c2e-9a41-5d6e7f8a9b0c';
const ALICE = '2b8e0a52-7f3c-4d1a-b5e6-0c9d8f7a6b5e';
const BOB = '3c9f1b63-803d-4e2b-86f7-1d0e9a8b7c6f';

const at = '2026-01-01T00:00:00.000Z';
const joined = (seq: number, userId: string): MdtEvent => ({
  seq,
  consultationId: ROOM,
  type: 'presence.joined',
  actorUserId: userId,
  actorName: userId,
  occurredAt: at,
  payload: { role: 'specialist' },
});
const presenter = (seq: number, toUserId: string | null): MdtEvent => ({
  seq,
  consultationId: ROOM,
  type: 'presenter.changed',
  actorUserId: ALICE,
  actorName: 'alice',
  occurredAt: at,
  payload: { toUserId },
});

/** A log in memory that counts the reads. */
function logOf(events: MdtEvent[]) {
  const reads: number[] = [];
  return {
    reads,
    events,
    fetch: (pageSize: number) => async (after: number) => {
      reads.push(after);
      return events.filter((e) => e.seq > after).slice(0, pageSize);
    },
  };
}

describe('MdtRoomStates', () => {
  it('catches up from the log, reading only what follows what it has', async () => {
    const log = logOf([joined(1, ALICE), presenter(2, ALICE)]);
    const states = new MdtRoomStates(100);
    expect((await states.refresh(ROOM, log.fetch(100))).presenterUserId).toBe(ALICE);
    log.events.push(joined(3, BOB));
    const state = await states.refresh(ROOM, log.fetch(100));
    expect(state.participants.map((p) => p.userId)).toEqual([ALICE, BOB]);
    expect(log.reads).toEqual([0, 2]);
  });

  it('reads page after page until a short page', async () => {
    const log = logOf([joined(1, ALICE), joined(2, BOB), presenter(3, BOB), presenter(4, null), joined(5, ALICE)]);
    const states = new MdtRoomStates(2);
    const state = await states.refresh(ROOM, log.fetch(2));
    expect(state.lastSeq).toBe(5);
    expect(log.reads).toEqual([0, 2, 4]);
  });

  it('folds in an event heard live only when it is the next one, so it never skips a number', async () => {
    const log = logOf([joined(1, ALICE)]);
    const states = new MdtRoomStates(100);
    await states.refresh(ROOM, log.fetch(100));
    states.observe(presenter(3, ALICE)); // 2 not heard yet
    expect(states.cached(ROOM).lastSeq).toBe(1);
    states.observe(joined(2, BOB));
    expect(states.cached(ROOM).lastSeq).toBe(2);
    log.events.push(joined(2, BOB), presenter(3, ALICE));
    expect((await states.refresh(ROOM, log.fetch(100))).presenterUserId).toBe(ALICE);
  });

  it('keeps the furthest of two refreshes that finish out of order, and forgets a room', async () => {
    const states = new MdtRoomStates(100);
    await states.refresh(ROOM, logOf([joined(1, ALICE), joined(2, BOB)]).fetch(100));
    states.forget(ROOM);
    expect(states.size).toBe(0);
    await states.refresh(ROOM, logOf([joined(1, ALICE), joined(2, BOB)]).fetch(100));
    await states.refresh(ROOM, async () => []);
    expect(states.cached(ROOM).lastSeq).toBe(2);
  });
});
