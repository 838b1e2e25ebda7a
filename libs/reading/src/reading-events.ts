import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import type { Priority } from '@hub/core';
import type { ReturnReason } from './domain/return-reasons.js';
import type { TaskState } from './domain/task-state.js';

/** What every live reading event carries: ids and states only, never patient data (clients fetch what they may see). */
export interface TaskEventPayload {
  taskId: string;
  requestId: string;
  centreId: string;
  state: TaskState;
  priority: Priority;
  referral: boolean;
  dueAt: string;
  at: string;
}

/** The live events of the reading layer (socket.io namespace /events), by name. */
export interface ReadingEventMap {
  'task.created': TaskEventPayload;
  'task.claimed': TaskEventPayload & { holderUserId: string };
  'task.released': TaskEventPayload & { cause: 'released' | 'lease_expired' };
  'task.submitted': TaskEventPayload;
  'task.cancelled': TaskEventPayload;
  'request.claimed': TaskEventPayload;
  'request.returned': TaskEventPayload & { reason: ReturnReason; note: string | null };
  'report.signed': TaskEventPayload & { reportId: string };
  'report.amended': TaskEventPayload & { reportId: string; addendumSeq: number };
  /** 80% of the time from queueing to due has passed and the task is not signed yet (for coordinators). */
  'sla.warning': TaskEventPayload & { warnAt: string };
  /** The due time has passed and the task is not signed yet (for coordinators). */
  'sla.breached': TaskEventPayload;
}
export type ReadingEventName = keyof ReadingEventMap;

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
