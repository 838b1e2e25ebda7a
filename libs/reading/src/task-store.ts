import type { EntityManager } from 'typeorm';
import { preparedQuery } from '@hub/db';
import type { Discipline, Priority } from '@hub/core';
import type { ReturnReason } from './domain/return-reasons.js';
import type { TaskState } from './domain/task-state.js';

/** A task with its request: what every reading rule needs to decide. */
export interface TaskRecord {
  id: string;
  requestId: string;
  centreId: string;
  consortiumId: string;
  requestingInstitutionId: string;
  requestedByUserId: string;
  studyId: string;
  patientId: string;
  discipline: Discipline;
  priority: Priority;
  referral: boolean;
  examCode: string | null;
  clinicalNotes: string | null;
  requestedAt: Date;
  queuedAt: Date;
  dueAt: Date;
  state: TaskState;
  holderUserId: string | null;
  leaseExpiresAt: Date | null;
  fencingToken: string;
  firstClaimedAt: Date | null;
  submittedBy: string | null;
  submittedAt: Date | null;
  signedBy: string | null;
  signedAt: Date | null;
  returnReason: ReturnReason | null;
  returnNote: string | null;
  returnedAt: Date | null;
  resubmissions: number;
  cancelReason: string | null;
  cancelledAt: Date | null;
}

export const TASK_RECORD_COLUMNS = `
  t.id, t.request_id AS "requestId", t.centre_id AS "centreId", r.consortium_id AS "consortiumId",
  r.requesting_institution_id AS "requestingInstitutionId", r.requested_by_user_id AS "requestedByUserId",
  r.study_id AS "studyId", r.patient_id AS "patientId", t.discipline, r.priority, r.referral,
  r.exam_code AS "examCode", r.clinical_notes AS "clinicalNotes", r.created_at AS "requestedAt",
  t.queued_at AS "queuedAt", t.due_at AS "dueAt", t.state, t.holder_user_id AS "holderUserId",
  t.lease_expires_at AS "leaseExpiresAt", t.fencing_token::text AS "fencingToken",
  t.first_claimed_at AS "firstClaimedAt", t.submitted_by AS "submittedBy", t.submitted_at AS "submittedAt",
  t.signed_by AS "signedBy", t.signed_at AS "signedAt", t.return_reason AS "returnReason",
  t.return_note AS "returnNote", t.returned_at AS "returnedAt", t.resubmissions,
  t.cancel_reason AS "cancelReason", t.cancelled_at AS "cancelledAt"`;

/** The task (with its request) of `where`, locked for the rest of the transaction when `forUpdate`. */
async function loadOne(m: EntityManager, where: string, id: string, forUpdate: boolean): Promise<TaskRecord | null> {
  const rows = await preparedQuery<TaskRecord>(
    m,
    `SELECT ${TASK_RECORD_COLUMNS} FROM reading_tasks t JOIN reading_requests r ON r.id = t.request_id
      WHERE ${where} = $1 ${forUpdate ? 'FOR UPDATE OF t' : ''}`,
    [id],
  );
  return rows[0] ?? null;
}

export const loadTask = (m: EntityManager, taskId: string, forUpdate = false) => loadOne(m, 't.id', taskId, forUpdate);
export const loadTaskOfRequest = (m: EntityManager, requestId: string, forUpdate = false) =>
  loadOne(m, 't.request_id', requestId, forUpdate);

/**
 * Column changes of one task, written with updated_at; the caller has checked the transition. Each caller changes a
 * fixed set of columns, so the statement is prepared per set.
 */
export async function updateTask(m: EntityManager, taskId: string, changes: Record<string, unknown>): Promise<void> {
  const columns = Object.keys(changes);
  const sets = columns.map((c, i) => `${c} = $${i + 2}`).join(', ');
  await preparedQuery(m, `UPDATE reading_tasks SET ${sets}, updated_at = now() WHERE id = $1`, [
    taskId,
    ...columns.map((c) => changes[c]),
  ]);
}

/** Leases are cleared in the same update that leaves a leased state (the table's check constraint insists). */
export const NO_LEASE = { holder_user_id: null, lease_expires_at: null } as const;
