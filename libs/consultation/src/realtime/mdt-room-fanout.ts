import type { MdtEvent } from './mdt-events.js';

/** Reads a room's committed events after a sequence number, in order (the log in PostgreSQL). */
export type ReadEventsAfter = (consultationId: string, afterSeq: number) => Promise<MdtEvent[]>;

export interface MdtRoomFanoutOptions {
  /** Sends an event to this process's sockets in its room. */
  emit(event: MdtEvent): void;
  readAfter: ReadEventsAfter;
  /** How long an event that arrived early waits for the ones before it before they are read from the log. */
  gapWaitMs: number;
  onError(err: unknown): void;
}

interface RoomCursor {
  /** Every event up to this seq has been sent to the room's sockets here (or is in their joins' replays); null until
   *  the first socket's replay has been read. */
  delivered: number | null;
  /** Events that arrived ahead of a gap, by seq. */
  held: Map<number, MdtEvent>;
  timer: NodeJS.Timeout | null;
  filling: boolean;
}

/**
 * Sends each room's committed events to this process's sockets in `seq` order, once each, whichever replica wrote
 * them. Events reach a process in the order their writers finished, which is not always seq order (two replicas, or
 * two senders on one, commit at nearly the same moment); an event that arrives before the one preceding it is held
 * for `gapWaitMs` and, if the gap has not filled by then, the missing events are read from the log (seq n+1 is only
 * assigned once seq n has committed, so they are there). A cross-replica message that never came (its replica died
 * between commit and publish) is thus read from the log when the next event of the room arrives.
 *
 * Only rooms with a socket of this process are followed: `enter` when a socket joins, `ready` with the last seq of
 * that socket's replay (read after it joined), `forget` when the last one leaves.
 */
export class MdtRoomFanout {
  private readonly rooms = new Map<string, RoomCursor>();

  constructor(private readonly opts: MdtRoomFanoutOptions) {}

  /** A socket is entering the room here: events arriving before its replay is read are held, not dropped. */
  enter(consultationId: string): void {
    if (!this.rooms.has(consultationId))
      this.rooms.set(consultationId, { delivered: null, held: new Map(), timer: null, filling: false });
  }

  /** The entering socket's replay went up to `replayedThrough`: a room not yet followed continues from there. */
  ready(consultationId: string, replayedThrough: number): void {
    const room = this.rooms.get(consultationId);
    if (!room || room.delivered !== null) return;
    room.delivered = replayedThrough;
    this.drain(consultationId, room);
  }

  /** No socket of this process is in the room any more. */
  forget(consultationId: string): void {
    const room = this.rooms.get(consultationId);
    if (room?.timer) clearTimeout(room.timer);
    this.rooms.delete(consultationId);
  }

  /** A committed event (written here or heard from another replica). */
  deliver(event: MdtEvent): void {
    const room = this.rooms.get(event.consultationId);
    if (!room) return; // nobody here listens
    if (room.delivered !== null && event.seq <= room.delivered) return;
    room.held.set(event.seq, event);
    this.drain(event.consultationId, room);
  }

  /** Stops following every room (the process is shutting down). */
  clear(): void {
    for (const id of [...this.rooms.keys()]) this.forget(id);
  }

  /** Rooms followed (for tests and metrics). */
  get size(): number {
    return this.rooms.size;
  }

  /** Sends the held events that follow on without a gap; waits for a gap to fill when one is left. */
  private drain(consultationId: string, room: RoomCursor): void {
    if (room.delivered === null) return;
    for (const seq of [...room.held.keys()]) if (seq <= room.delivered) room.held.delete(seq);
    for (let next = room.held.get(room.delivered + 1); next; next = room.held.get(room.delivered + 1)) {
      room.held.delete(next.seq);
      room.delivered = next.seq;
      this.opts.emit(next);
    }
    if (room.held.size === 0) {
      if (room.timer) clearTimeout(room.timer);
      room.timer = null;
    } else if (!room.timer && !room.filling) {
      room.timer = setTimeout(() => this.fill(consultationId, room), this.opts.gapWaitMs);
    }
  }

  private fill(consultationId: string, room: RoomCursor): void {
    room.timer = null;
    if (this.rooms.get(consultationId) !== room || room.delivered === null || room.held.size === 0) return;
    room.filling = true;
    const from = room.delivered;
    this.opts.readAfter(consultationId, from).then(
      (events) => {
        room.filling = false;
        if (this.rooms.get(consultationId) !== room) return;
        for (const event of events)
          if (room.delivered === null || event.seq > room.delivered) room.held.set(event.seq, event);
        this.drain(consultationId, room);
      },
      (err: unknown) => {
        room.filling = false;
        this.opts.onError(err);
        if (this.rooms.get(consultationId) === room) this.drain(consultationId, room); // tries again after the wait
      },
    );
  }
}
