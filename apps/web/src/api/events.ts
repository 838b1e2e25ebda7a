import { io, type Socket } from 'socket.io-client';
import type { EventsNamespaceMap, ReadingServerEvents } from '@hub/contracts';

/**
 * Server → client events of namespace /events, by name, as the hub declares them. Readers hear their centres' task.*
 * events, clinics request.* and report.* of their institution, coordinators everything of their consortium plus sla.*.
 */
export type EventPayloads = EventsNamespaceMap;

export type EventName = keyof EventPayloads;

export type ServerToClientEvents = ReadingServerEvents;
/** The client sends nothing on /events. */
export type ClientToServerEvents = Record<string, never>;

export type EventsSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A fixed token, or a function giving the current one (e.g. `() => api.freshAccessToken()`). */
export type TokenSource = string | (() => string | null | Promise<string | null>);

/**
 * Connects to /events with the access token in the handshake (`auth: { token }`). With a token function, each
 * (re)connection asks it again, and after `session.expired` the socket reconnects by itself with a fresh token;
 * with a fixed string the caller reconnects after `session.expired`.
 */
export function connectEvents(token: TokenSource, baseUrl = ''): EventsSocket {
  const url = `${baseUrl.replace(/\/+$/, '')}/events`;
  const socket: EventsSocket = io(url, {
    auth:
      typeof token === 'string'
        ? { token }
        : (cb: (data: object) => void) => {
            Promise.resolve()
              .then(token)
              .then(
                (t) => cb({ token: t ?? '' }),
                () => cb({ token: '' }),
              );
          },
  });
  if (typeof token !== 'string') {
    let expired = false;
    socket.on('session.expired', () => {
      expired = true;
    });
    // A server-side disconnect is not retried by socket.io; after an expiry it is safe to retry with a new token.
    socket.on('disconnect', (reason) => {
      if (expired && reason === 'io server disconnect') {
        expired = false;
        socket.connect();
      }
    });
  }
  return socket;
}

/** The HTTP-like status (401 no/bad token, 403 no rooms) the hub puts on a refused handshake, if any. */
export function connectErrorStatus(err: Error & { data?: unknown }): number | null {
  const data = err.data as { statusCode?: unknown } | undefined;
  return typeof data?.statusCode === 'number' ? data.statusCode : null;
}
