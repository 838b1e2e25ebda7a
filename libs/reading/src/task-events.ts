import type { Audience, ReadingEvent, ReadingEventMap, ReadingEventName, TaskEventPayload } from './reading-events.js';
import type { TaskRecord } from './task-store.js';

/** The common part of every task event, from the task as it is after the change. */
export function taskPayload(task: TaskRecord): TaskEventPayload {
  return {
    taskId: task.id,
    requestId: task.requestId,
    centreId: task.centreId,
    state: task.state,
    priority: task.priority,
    referral: task.referral,
    dueAt: task.dueAt.toISOString(),
    at: new Date().toISOString(),
  };
}

export function taskEvent<N extends ReadingEventName>(
  name: N,
  audience: Audience,
  task: TaskRecord,
  extra: Omit<ReadingEventMap[N], keyof TaskEventPayload>,
): ReadingEvent {
  return { name, audience, payload: { ...taskPayload(task), ...extra } as ReadingEventMap[N] };
}
