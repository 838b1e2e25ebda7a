import type { ReadingEventMap } from '../reading-events.js';

/** What the hub sends on /events besides the reading events: who the socket follows, and why it is being closed. */
export interface EventsSessionMap {
  ready: { userId: string; rooms: string[] };
  'session.expired': { message: string };
}

/** The typed server-to-client map of namespace /events (socket.io `Namespace<{}, ReadingServerEvents>`). */
export type ReadingServerEvents = {
  [N in keyof (ReadingEventMap & EventsSessionMap)]: (payload: (ReadingEventMap & EventsSessionMap)[N]) => void;
};
