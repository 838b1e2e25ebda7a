import { io, type Socket } from 'socket.io-client';
import type {
  MdtAck,
  MdtClientEvents,
  MdtEvent,
  MdtJoinAck,
  MdtRelayAck,
  MdtServerEvents,
  RtcSignalDelivery,
} from '@hub/consultation';
import { baseUrlOf, type HubTarget } from './test-app.js';

export type MdtSocket = Socket<MdtServerEvents, MdtClientEvents>;
type ConnectError = { message: string; data?: { statusCode?: number } };

/** The client events that get an MdtAck (persisted ones), and the payload each takes. */
type PersistedEvents = {
  [
    E in keyof MdtClientEvents as Parameters<MdtClientEvents[E]>[1] extends (res: MdtAck) => void ? E : never
  ]: Parameters<MdtClientEvents[E]>[0];
};

const ACK_TIMEOUT_MS = 5_000;
const WAIT_MS = 5_000;

/**
 * A participant's client on /mdt as a browser would write it: it keeps the room's events in seq order, once each
 * (the join's replay and the live stream overlap; a duplicate seq is dropped), and remembers everything it heard.
 */
export interface MdtClient {
  socket: MdtSocket;
  /** The room's events this client has, by seq, each once (replays and live events merged). */
  events: MdtEvent[];
  /** Every `mdt.event` heard live, in arrival order, duplicates included (to count broadcasts). */
  heard: MdtEvent[];
  signals: RtcSignalDelivery[];
  /** The highest seq with every event up to it present (what to re-join with). */
  lastSeq(): number;
  join(consultationId: string, lastSeq?: number): Promise<MdtJoinAck>;
  send<E extends keyof PersistedEvents>(event: E, payload: PersistedEvents[E]): Promise<MdtAck>;
  /** Any event with any payload, for malformed input; resolves to the ack. */
  sendRaw(event: string, ...args: unknown[]): Promise<unknown>;
  leave(): Promise<MdtRelayAck>;
  signal(payload: Parameters<MdtClientEvents['rtc.signal']>[0]): Promise<MdtRelayAck>;
  /** Resolves when an event matching `match` is in `events` (already or later). */
  waitFor(match: (e: MdtEvent) => boolean, what?: string): Promise<MdtEvent>;
  close(): void;
}

export function mdtUrl(target: HubTarget): string {
  return `${baseUrlOf(target)}/mdt`;
}

/** A socket.io-client on /mdt with this token, once connected; a refused handshake rejects with connect_error's message. */
export async function connectMdt(t: HubTarget, token: string | undefined): Promise<MdtClient> {
  const socket: MdtSocket = io(mdtUrl(t), {
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const events: MdtEvent[] = [];
  const heard: MdtEvent[] = [];
  const signals: RtcSignalDelivery[] = [];
  const waiters = new Set<() => void>();
  let floor = 0; // the lastSeq of the first join: this client's events start after it
  const merge = (incoming: readonly MdtEvent[]) => {
    for (const e of incoming) {
      let i = events.length;
      while (i > 0 && events[i - 1]!.seq > e.seq) i--;
      if (i > 0 && events[i - 1]!.seq === e.seq) continue;
      events.splice(i, 0, e);
    }
    for (const wake of [...waiters]) wake();
  };
  socket.on('mdt.event', (e) => {
    heard.push(e);
    merge([e]);
  });
  socket.on('rtc.signal', (s) => signals.push(s));

  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err: Error & { data?: ConnectError['data'] }) => {
      socket.close();
      reject(Object.assign(new Error(err.message), { data: err.data }));
    });
  });

  const emitRaw = (event: string, ...args: unknown[]): Promise<unknown> =>
    (
      socket.timeout(ACK_TIMEOUT_MS) as unknown as { emitWithAck(e: string, ...a: unknown[]): Promise<unknown> }
    ).emitWithAck(event, ...args);

  return {
    socket,
    events,
    heard,
    signals,
    lastSeq() {
      let seq = floor;
      for (const e of events) if (e.seq === seq + 1) seq = e.seq;
      return seq;
    },
    async join(consultationId, lastSeq = 0) {
      if (events.length === 0) floor = lastSeq;
      const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('join', { consultationId, lastSeq });
      if (ack.ok) merge(ack.events);
      return ack;
    },
    send(event, payload) {
      return emitRaw(event, payload) as Promise<MdtAck>;
    },
    sendRaw: emitRaw,
    leave: () => socket.timeout(ACK_TIMEOUT_MS).emitWithAck('leave', {}),
    signal: (payload) => socket.timeout(ACK_TIMEOUT_MS).emitWithAck('rtc.signal', payload),
    waitFor(match, what = 'a matching mdt.event') {
      const found = events.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${what} did not arrive within ${WAIT_MS} ms`));
        }, WAIT_MS);
        const check = () => {
          const e = events.find(match);
          if (!e) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(e);
        };
        waiters.add(check);
      });
    },
    close: () => socket.close(),
  };
}

/** The connect_error a handshake with this token gets (fails the test if the socket is admitted). */
export async function refusedMdtHandshake(t: HubTarget, token: string | undefined): Promise<ConnectError> {
  try {
    (await connectMdt(t, token)).close();
  } catch (err) {
    return err as ConnectError;
  }
  throw new Error('the /mdt handshake was admitted');
}

/** Lets in-flight broadcasts arrive before a test asserts that something was NOT heard. */
export const settle = (ms = 150) => new Promise((resolve) => setTimeout(resolve, ms));
