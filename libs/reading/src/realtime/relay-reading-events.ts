import type { Namespace } from 'socket.io';
import type { ReadingEventBus } from '../reading-events.js';
import { roomOf } from './event-rooms.js';
import type { ReadingServerEvents } from './reading-socket-events.js';

/** The socket.io namespace of live reading events. */
export const EVENTS_NAMESPACE = '/events';

export type ReadingEventsNamespace = Namespace<Record<string, never>, ReadingServerEvents>;

/**
 * Sends every reading event on the bus to its audience's room of the /events namespace; returns the unsubscribe.
 * The hub's gateway does this for its own sockets; a worker does it through the PostgreSQL adapter, so the events of
 * the jobs it runs reach the browsers connected to the hub replicas.
 */
export function relayReadingEvents(bus: ReadingEventBus, namespace: ReadingEventsNamespace): () => void {
  return bus.subscribe((event) => {
    // The map is typed per name; the bus hands over a union, which socket.io's overloads cannot narrow.
    (namespace.to(roomOf(event.audience)).emit as (name: string, payload: unknown) => boolean)(
      event.name,
      event.payload,
    );
  });
}
