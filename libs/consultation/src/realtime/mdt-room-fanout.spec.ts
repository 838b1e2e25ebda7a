import { describe, expect, it } from '@jest/globals';
import type { MdtEvent } from './mdt-events.js';
import { MdtRoomFanout } from './mdt-room-fanout.js';

const ROOM = '6f1c2a1e-8b7d-4c2e-9a41-5d6e7f8a9b0c';
const OTHER = '7a2d3b2f-9c8e-4d3f-8b52-6e7f8a9b0c1d';
const GAP_WAIT_MS = 20;

const chat = (seq: number, consultationId = ROOM): MdtEvent => ({
  seq,
  consultationId,
  type: 'chat.message',
  actorUserId: '2b8e0a52-7f3c-4d1a-b5e6-0c9d8f7a6b5e',
  actorName: 'alice',
  occurredAt: '2026-01-01T00:00:00.000Z',
  payload: { clientMsgId: `m${seq}`, text: `line ${seq}` },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fan-out over an in-memory log of `logged` events, recording what it emits and what it reads. */
function fanoutOver(logged: MdtEvent[]) {
  const emitted: number[] = [];
  const reads: number[] = [];
  const errors: unknown[] = [];
  let failReads = 0;
  const fanout = new MdtRoomFanout({
    emit: (e) => emitted.push(e.seq),
    readAfter: async (id, after) => {
      reads.push(after);
      if (failReads > 0) {
        failReads--;
        throw new Error('database unavailable');
      }
      return logged.filter((e) => e.consultationId === id && e.seq > after);
    },
    gapWaitMs: GAP_WAIT_MS,
    onError: (err) => errors.push(err),
  });
  return { fanout, emitted, reads, errors, failNextReads: (n: number) => (failReads = n) };
}

describe('MdtRoomFanout', () => {
  it('sends events in seq order however they arrive, each once, without reading the log when the gap fills itself', async () => {
    const { fanout, emitted, reads } = fanoutOver([]);
    fanout.enter(ROOM);
    fanout.ready(ROOM, 0);
    for (const seq of [1, 3, 2, 2, 5, 4, 1]) fanout.deliver(chat(seq));
    expect(emitted).toEqual([1, 2, 3, 4, 5]);
    await sleep(GAP_WAIT_MS * 2);
    expect(reads).toEqual([]);
  });

  it('reads a gap that does not fill from the log after the wait', async () => {
    const log = [1, 2, 3, 4].map((s) => chat(s));
    const { fanout, emitted, reads } = fanoutOver(log);
    fanout.enter(ROOM);
    fanout.ready(ROOM, 1);
    fanout.deliver(chat(4)); // 2 and 3 were published by a replica that died
    expect(emitted).toEqual([]);
    await sleep(GAP_WAIT_MS * 3);
    expect(reads).toEqual([1]);
    expect(emitted).toEqual([2, 3, 4]);
    fanout.deliver(chat(3)); // the lost message turns up after all: already sent
    expect(emitted).toEqual([2, 3, 4]);
  });

  it('holds what arrives before the first replay is read and continues after it', () => {
    const { fanout, emitted } = fanoutOver([]);
    fanout.enter(ROOM);
    fanout.deliver(chat(7)); // in the joiner's replay
    fanout.deliver(chat(8)); // committed after the replay was read
    expect(emitted).toEqual([]);
    fanout.ready(ROOM, 7);
    expect(emitted).toEqual([8]);
    fanout.ready(ROOM, 3); // a second socket's replay does not move the room back
    fanout.deliver(chat(8));
    expect(emitted).toEqual([8]);
  });

  it('ignores rooms nobody here is in, and stops following a room when told', async () => {
    const { fanout, emitted, reads } = fanoutOver([chat(1), chat(2)]);
    fanout.deliver(chat(1, OTHER));
    fanout.enter(ROOM);
    fanout.ready(ROOM, 0);
    fanout.deliver(chat(2)); // a gap: a read is scheduled
    fanout.forget(ROOM);
    await sleep(GAP_WAIT_MS * 2);
    expect(emitted).toEqual([]);
    expect(reads).toEqual([]);
    expect(fanout.size).toBe(0);
  });

  it('tries the log again when a read fails', async () => {
    const { fanout, emitted, errors, failNextReads } = fanoutOver([chat(1), chat(2)]);
    failNextReads(1);
    fanout.enter(ROOM);
    fanout.ready(ROOM, 0);
    fanout.deliver(chat(2));
    await sleep(GAP_WAIT_MS * 4);
    expect(errors).toHaveLength(1);
    expect(emitted).toEqual([1, 2]);
  });
});
