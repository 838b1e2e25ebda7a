import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import type { MdtEvent } from './realtime/mdt-events.js';

/**
 * Persisted room events written outside the live room (a conclusion drafted over REST, the hub's own notices), handed
 * to the /mdt gateway after they commit so it broadcasts them like the room's own.
 */
@Injectable()
export class ConsultationRoomBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(events: readonly MdtEvent[]): void {
    for (const event of events) this.emitter.emit('event', event);
  }

  subscribe(listener: (event: MdtEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
