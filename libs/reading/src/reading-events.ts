import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import type { ReadingEventMap, ReadingEventName } from '@hub/contracts';

export type { ReadingEventMap, ReadingEventName, TaskEventPayload } from '@hub/contracts';

/** Who an event is for: a centre's readers, a requesting clinic, or a consortium's coordinators. */
export type Audience = { centreId: string } | { institutionId: string } | { consortiumId: string };

export interface ReadingEvent<N extends ReadingEventName = ReadingEventName> {
  name: N;
  audience: Audience;
  payload: ReadingEventMap[N];
}

/**
 * In-process fan-out of reading events to the transports (the socket.io gateway). Services publish only after their
 * transaction committed, so no one hears of a change that was rolled back.
 */
@Injectable()
export class ReadingEventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(events: readonly ReadingEvent[]): void {
    for (const event of events) this.emitter.emit('event', event);
  }

  subscribe(listener: (event: ReadingEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
