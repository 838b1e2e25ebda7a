import { warnAt } from '../domain/sla.js';
import type { ReadingEvent } from '../reading-events.js';
import { taskEvent } from '../task-events.js';
import type { TaskRecord } from '../task-store.js';

export type SlaEscalation = 'warning' | 'breached';

/** What coordinators hear about tasks the sweep has just flagged: addressed to the consortium the request belongs to. */
export function slaEvents(escalation: SlaEscalation, tasks: readonly TaskRecord[]): ReadingEvent[] {
  return tasks.map((task) =>
    escalation === 'warning'
      ? taskEvent('sla.warning', { consortiumId: task.consortiumId }, task, {
          warnAt: warnAt(task.queuedAt, task.dueAt).toISOString(),
        })
      : taskEvent('sla.breached', { consortiumId: task.consortiumId }, task, {}),
  );
}
