import type { ReportView, RequestView, TaskView } from '@hub/contracts';
import type { Actor } from '@hub/core';
import { slaStatus } from './domain/sla.js';
import type { TaskRecord } from './task-store.js';

export type { RequestView, TaskView } from '@hub/contracts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Open tasks are judged now; signed ones by when they were signed; returned and cancelled ones not at all. */
function slaOf(task: TaskRecord, now: Date): TaskView['sla'] {
  if (task.state === 'signed') return task.signedAt!.getTime() <= task.dueAt.getTime() ? 'met' : 'missed';
  if (task.state === 'cancelled' || task.state === 'returned') return null;
  return slaStatus(now, task.queuedAt, task.dueAt);
}

export function toTaskView(task: TaskRecord, actor: Actor, now = new Date()): TaskView {
  return {
    id: task.id,
    requestId: task.requestId,
    centreId: task.centreId,
    discipline: task.discipline,
    state: task.state,
    priority: task.priority,
    referral: task.referral,
    queuedAt: task.queuedAt.toISOString(),
    dueAt: task.dueAt.toISOString(),
    sla: slaOf(task, now),
    holderUserId: task.holderUserId,
    leaseExpiresAt: iso(task.leaseExpiresAt),
    ...(task.holderUserId === actor.userId ? { fencingToken: Number(task.fencingToken) } : {}),
    firstClaimedAt: iso(task.firstClaimedAt),
    submittedAt: iso(task.submittedAt),
    signedAt: iso(task.signedAt),
    returnReason: task.returnReason,
    returnNote: task.returnNote,
    returnedAt: iso(task.returnedAt),
    resubmissions: task.resubmissions,
    cancelledAt: iso(task.cancelledAt),
  };
}

export function toRequestView(task: TaskRecord, report: ReportView | null, actor: Actor): RequestView {
  return {
    id: task.requestId,
    studyId: task.studyId,
    patientId: task.patientId,
    requestingInstitutionId: task.requestingInstitutionId,
    requestedByUserId: task.requestedByUserId,
    priority: task.priority,
    referral: task.referral,
    clinicalNotes: task.clinicalNotes,
    examCode: task.examCode,
    createdAt: task.requestedAt.toISOString(),
    task: toTaskView(task, actor),
    report,
  };
}
