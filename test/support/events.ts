import { io, type Socket } from 'socket.io-client';
import type { ReadingServerEvents } from '@hub/reading';
import { baseUrlOf, type HubTarget } from './test-app.js';

export type EventsSocket = Socket<ReadingServerEvents>;

/** Everything a socket received on /events, in order, and a way to wait for the next matching one. */
export interface EventsListener {
  socket: EventsSocket;
  rooms: string[];
  received: { name: string; payload: Record<string, unknown> }[];
  next(name: string, match?: (payload: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  close(): void;
}

export function eventsUrl(target: HubTarget): string {
  return `${baseUrlOf(target)}/events`;
}

/** A socket.io-client on /events with this token, once the hub said `ready`; connect errors reject with their message. */
export async function listenToEvents(t: HubTarget, token: string | undefined): Promise<EventsListener> {
  const socket: EventsSocket = io(eventsUrl(t), {
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const received: EventsListener['received'] = [];
  const waiters: {
    name: string;
    match: (p: Record<string, unknown>) => boolean;
    resolve: (p: Record<string, unknown>) => void;
  }[] = [];
  socket.onAny((name: string, payload: Record<string, unknown>) => {
    received.push({ name, payload });
    const i = waiters.findIndex((w) => w.name === name && w.match(payload));
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(payload);
  });
  const ready = await new Promise<{ rooms: string[] }>((resolve, reject) => {
    socket.once('ready', resolve);
    socket.once('connect_error', (err: Error & { data?: unknown }) => {
      socket.close();
      reject(Object.assign(new Error(err.message), { data: err.data }));
    });
  });
  return {
    socket,
    rooms: ready.rooms,
    received,
    next(name, match = () => true) {
      const seen = received.find((e) => e.name === name && match(e.payload));
      if (seen) return Promise.resolve(seen.payload);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${name} event within 10 s`)), 10_000);
        waiters.push({
          name,
          match,
          resolve: (p) => {
            clearTimeout(timer);
            resolve(p);
          },
        });
      });
    },
    close: () => socket.close(),
  };
}

/** The connect_error a handshake with this token gets (fails the test if the socket is admitted). */
export async function refusedHandshake(
  t: HubTarget,
  token: string | undefined,
): Promise<{ message: string; data?: { statusCode?: number } }> {
  try {
    const listener = await listenToEvents(t, token);
    listener.close();
  } catch (err) {
    return err as { message: string; data?: { statusCode?: number } };
  }
  throw new Error('the handshake was admitted');
}
