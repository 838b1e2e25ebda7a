import { applyRoomEvent, EMPTY_ROOM_STATE, type MdtEvent, type MdtRoomState, reduceRoomState } from './mdt-events.js';

/** Reads a room's persisted events after a sequence number, in order, at most `pageSize` of them. */
export type FetchEventsAfter = (lastSeq: number) => Promise<MdtEvent[]>;

/**
 * Each occupied room's current state (who is present, who presents), folded from its log and kept between events so
 * a permission check reads only the events written since the last one (usually none or a few). The log in PostgreSQL
 * is the truth: `refresh` catches up from it, so events written by another hub replica or over REST are never missed.
 * An event is folded in directly only when it is the very next one, so the cache never skips a sequence number.
 */
export class MdtRoomStates {
  private readonly states = new Map<string, MdtRoomState>();

  constructor(private readonly pageSize = 10_000) {}

  /** What is cached (possibly behind the log); EMPTY_ROOM_STATE for a room not cached. */
  cached(consultationId: string): MdtRoomState {
    return this.states.get(consultationId) ?? EMPTY_ROOM_STATE;
  }

  /** The room's state with every event in the log folded in (as of when `fetchAfter` reads). */
  async refresh(consultationId: string, fetchAfter: FetchEventsAfter): Promise<MdtRoomState> {
    let state = this.cached(consultationId);
    for (;;) {
      const events = await fetchAfter(state.lastSeq);
      state = reduceRoomState(events, state);
      if (events.length < this.pageSize) break;
    }
    this.keep(consultationId, state);
    return state;
  }

  /** Folds in an event just written or heard, if it is the next one; otherwise the next refresh reads it. */
  observe(event: MdtEvent): void {
    const state = this.states.get(event.consultationId);
    if (state && event.seq === state.lastSeq + 1) this.states.set(event.consultationId, applyRoomEvent(state, event));
  }

  /** Drops the room (nobody on this process is in it any more). */
  forget(consultationId: string): void {
    this.states.delete(consultationId);
  }

  get size(): number {
    return this.states.size;
  }

  /** Concurrent refreshes may finish in any order: the one that read further wins. */
  private keep(consultationId: string, state: MdtRoomState): void {
    const current = this.states.get(consultationId);
    if (!current || current.lastSeq <= state.lastSeq) this.states.set(consultationId, state);
  }
}
