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

/** socket.io's own constraint on an event map (its type is not exported by socket.io-client). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EventsMap = { [event: string]: any };

/** A fixed token, or a function giving the current one (e.g. `() => api.freshAccessToken()`). */
export type TokenSource = string | (() => string | null | Promise<string | null>);

/** Connects to /events; see connectHubNamespace. */
export function connectEvents(token: TokenSource, baseUrl = ''): EventsSocket {
  return connectHubNamespace<ServerToClientEvents, ClientToServerEvents>('/events', token, baseUrl);
}

/**
 * Connects to one of the hub's socket.io namespaces with the access token in the handshake (`auth: { token }`). With
 * a token function, each (re)connection asks it again, and after `session.expired` the socket reconnects by itself
 * with a fresh token; with a fixed string the caller reconnects after `session.expired`.
 */
export function connectHubNamespace<S extends EventsMap, C extends EventsMap>(
  namespace: string,
  token: TokenSource,
  baseUrl = '',
): Socket<S, C> {
  const url = `${baseUrl.replace(/\/+$/, '')}${namespace}`;
  const socket: Socket<S, C> = io(url, {
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
    // Every hub namespace sends session.expired; the generic socket type cannot know that.
    (socket as unknown as Socket).on('session.expired', () => {
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
