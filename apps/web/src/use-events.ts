import { useEffect, useRef, useState } from 'react';
import { connectEvents, type EventName, type EventPayloads } from './api/events';
import { useSession } from './session';

type Handlers = { [N in EventName]?: (payload: EventPayloads[N]) => void };

/**
 * Follows the hub's /events namespace while the component is mounted; `handlers` may change on every render (the
 * latest ones are called). Answers whether the socket is connected, for a "live" badge. The hub sends `ready` once the
 * socket follows its rooms, on every (re)connection: a page that reloads on it has nothing missed while it was away.
 */
export function useHubEvents(handlers: Handlers): boolean {
  const { api, me } = useSession();
  const latest = useRef(handlers);
  latest.current = handlers;
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    if (!me) return;
    const socket = connectEvents(() => api.freshAccessToken());
    socket.on('connect', () => setConnected(true));
    socket.on('disconnect', () => setConnected(false));
    socket.onAny((event: string, payload: unknown) => {
      const handler = latest.current[event as EventName] as ((p: unknown) => void) | undefined;
      handler?.(payload);
    });
    return () => {
      socket.disconnect();
    };
  }, [api, me]);
  return connected;
}
