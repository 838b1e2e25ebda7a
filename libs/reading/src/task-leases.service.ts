import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type AuditedWrite, AuditedRefusal, AuditTrail, recordRefusals } from '@hub/audit';
import { type Actor, conflict, forbidden, HUB_CONFIG, type HubConfig, notFound } from '@hub/core';
import { type CentreForReader, RegistryQueries } from '@hub/consortium';
import { leaseRefusal } from './domain/lease.js';
import { transition, type TaskAction } from './domain/task-state.js';
import { privilegeFor, readRefusal } from './reading-access.js';
import { type ReadingEvent, ReadingEventBus } from './reading-events.js';
import { taskEvent } from './task-events.js';
import { loadTask, NO_LEASE, TASK_RECORD_COLUMNS, type TaskRecord, updateTask } from './task-store.js';

export type ClaimStage = 'read' | 'review';

const leaseExpired = (task: TaskRecord): ReadingEvent =>
  taskEvent('task.released', { centreId: task.centreId }, task, { cause: 'lease_expired' });

/**
 * Tasks whose lease ran out, back to where they were claimed from. Two texts (one centre, all centres) so that each
 * gets a generic plan that uses the lease index; the claim likewise names its state as a literal, which the queue's
 * partial indexes need.
 */
const requeueExpiredLeases = (where: string) =>
  `UPDATE reading_tasks t
      SET state = CASE t.state WHEN 'reviewing' THEN 'submitted' ELSE 'queued' END,
          holder_user_id = NULL, lease_expires_at = NULL, updated_at = now()
     FROM reading_requests r
    WHERE r.id = t.request_id
      AND t.id IN (SELECT id FROM reading_tasks WHERE ${where} FOR UPDATE SKIP LOCKED)
   RETURNING ${TASK_RECORD_COLUMNS}`;
const REQUEUE_EXPIRED_OF_CENTRE = requeueExpiredLeases('centre_id = $1 AND lease_expires_at < now()');
const REQUEUE_ALL_EXPIRED = requeueExpiredLeases('lease_expires_at < now()');

/** Each task's lease that ran out is audited, with the token it ended at. */
const LEASE_EXPIRED: Pick<AuditedWrite, 'entry' | 'columns'> = {
  entry: { action: 'reading.task.lease_expired', objectType: 'reading_task' },
  columns: { objectId: 'id', patientId: 'patientId', details: ['fencingToken'] },
};

/** The next task in queue order, moved to its leased state with the token increased, with its request. */
const claimNext = (from: 'queued' | 'submitted') =>
  `UPDATE reading_tasks t
      SET state = $4, holder_user_id = $3, lease_expires_at = now() + make_interval(secs => $5),
          fencing_token = t.fencing_token + 1, first_claimed_at = coalesce(t.first_claimed_at, now()),
          updated_at = now()
     FROM (SELECT id FROM reading_tasks
            WHERE centre_id = $1 AND state = '${from}'
              AND ($2::boolean IS FALSE OR submitted_by IS DISTINCT FROM $3)
            ORDER BY priority_rank, referral_rank, due_at, id
            LIMIT 1 FOR UPDATE SKIP LOCKED) next,
          reading_requests r
    WHERE t.id = next.id AND r.id = t.request_id
   RETURNING ${TASK_RECORD_COLUMNS}`;

/**
 * Claims under a lease with a fencing token. A claim is one statement: the next task in queue order, locked with
 * SKIP LOCKED so concurrent claimers each get a different one, moved to its leased state with the token increased.
 */
@Injectable()
export class TaskLeases {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly registry: RegistryQueries,
    private readonly audit: AuditTrail,
    private readonly events: ReadingEventBus,
  ) {}

  /** The next task of the centre for this reader, or null when nothing is claimable. */
  async claimNext(actor: Actor, centreId: string, stage: ClaimStage): Promise<TaskRecord | null> {
    const { centre, privileges } = await this.centreFor(actor, centreId);
    const refusal =
      readRefusal(actor, centre, privileges) ??
      (stage === 'review' && !privilegeFor(privileges, centre.discipline)?.canSign
        ? `Reviewing needs a reading privilege with signing rights for ${centre.discipline}`
        : null);
    if (refusal) await this.refuse('reading.task.claim', 'centre', centreId, null, refusal);
    const from = stage === 'read' ? 'queued' : 'submitted';
    const params = [
      centreId,
      stage === 'review' && centre.twoStepSignoff,
      actor.userId,
      transition(from, 'claim'),
      this.config.READING_LEASE_SECONDS,
    ];
    // One statement, so no transaction of its own: the centre's leases that ran out go back to the queue, and the
    // next task is taken, each with its audit events. The statement's snapshot does not see the tasks it puts back:
    // when those were all there was, a second statement claims one.
    const claimWrite = {
      entry: { action: 'reading.task.claim', objectType: 'reading_task', details: { centreId, stage } },
      columns: { objectId: 'id', patientId: 'patientId', details: ['fencingToken'] },
      statement: claimNext(from),
      params,
    };
    const [claims, released] = await this.audit.recordPerRowEach<TaskRecord>(this.dataSource.manager, [
      claimWrite,
      { ...LEASE_EXPIRED, statement: REQUEUE_EXPIRED_OF_CENTRE, params: [centreId] },
    ]);
    let [claimed = null] = claims!;
    if (!claimed && released!.length > 0) {
      [claimed = null] = await this.audit.recordPerRowAll<TaskRecord>(this.dataSource.manager, [claimWrite]);
    }
    const events: ReadingEvent[] = released!.map(leaseExpired);
    if (claimed) {
      events.push(taskEvent('task.claimed', { centreId }, claimed, { holderUserId: actor.userId }));
      if (stage === 'read') {
        events.push(taskEvent('request.claimed', { institutionId: claimed.requestingInstitutionId }, claimed, {}));
      }
    }
    this.events.publish(events);
    return claimed;
  }

  /** Extends the caller's lease by the configured lease time. */
  heartbeat(actor: Actor, taskId: string, token: number): Promise<TaskRecord> {
    return this.withLease(actor, taskId, token, null, async (m, task) => {
      await m.query(
        `UPDATE reading_tasks SET lease_expires_at = now() + make_interval(secs => $2), updated_at = now()
          WHERE id = $1`,
        [task.id, this.config.READING_LEASE_SECONDS],
      );
      return [];
    });
  }

  /** Gives the task back: to the queue, or (a review) back to waiting for review. */
  async release(actor: Actor, taskId: string, token: number): Promise<TaskRecord> {
    return this.withLease(actor, taskId, token, 'release', async (m, task) => {
      const state = transition(task.state, 'release');
      await updateTask(m, task.id, { state, ...NO_LEASE });
      await this.audit.record(
        { action: 'reading.task.release', objectType: 'reading_task', objectId: task.id, patientId: task.patientId },
        m,
      );
      return [taskEvent('task.released', { centreId: task.centreId }, { ...task, state }, { cause: 'released' })];
    });
  }

  /**
   * Runs `write` on the task locked, after checking the caller holds its current lease with `token` and that `action`
   * (if any) is allowed in its state; `write` also gets the task's centre with the caller's privileges. Publishes the
   * events `write` returns once the transaction has committed.
   */
  async withLease(
    actor: Actor,
    taskId: string,
    token: number,
    action: TaskAction | null,
    write: (m: EntityManager, task: TaskRecord, reader: CentreForReader) => Promise<ReadingEvent[]>,
  ): Promise<TaskRecord> {
    const { task, events } = await recordRefusals(this.audit, () =>
      this.dataSource.transaction(async (m) => {
        const locked = await loadTask(m, taskId, true);
        if (!locked) throw notFound('Task', taskId);
        const reader = await this.centreFor(actor, locked.centreId, m);
        const denied = readRefusal(actor, reader.centre, reader.privileges);
        if (denied) {
          throw new AuditedRefusal(
            {
              action: `reading.task.${action ?? 'heartbeat'}`,
              objectType: 'reading_task',
              objectId: taskId,
              patientId: locked.patientId,
              details: { reason: denied },
            },
            forbidden(denied),
          );
        }
        const refusal = leaseRefusal(locked, actor.userId, String(token), new Date());
        if (refusal) throw conflict(refusal, { fencingToken: Number(locked.fencingToken) });
        if (action) transition(locked.state, action);
        const written = await write(m, locked, reader);
        return { task: (await loadTask(m, taskId))!, events: written };
      }),
    );
    this.events.publish(events);
    return task;
  }

  /**
   * Returns every centre's tasks whose lease ran out to where they were claimed from (the SLA sweep; a claim does it
   * for its own centre); the drafts stay with them for the next reader. Resolves to the events to publish.
   */
  async requeueExpired(): Promise<ReadingEvent[]> {
    const released = await this.audit.recordPerRowAll<TaskRecord>(this.dataSource.manager, [
      { ...LEASE_EXPIRED, statement: REQUEUE_ALL_EXPIRED, params: [] },
    ]);
    return released.map(leaseExpired);
  }

  /** Records the refused attempt and throws 403; called before any transaction is open (see AuditedRefusal inside one). */
  private async refuse(
    action: string,
    objectType: string,
    objectId: string,
    patientId: string | null,
    reason: string,
  ): Promise<never> {
    await this.audit.record({ action, objectType, objectId, patientId, outcome: 'denied', details: { reason } });
    throw forbidden(reason);
  }

  /** The centre with the caller's privileges; 404 for a centre of another consortium. */
  private async centreFor(actor: Actor, centreId: string, m?: EntityManager): Promise<CentreForReader> {
    const reader = await this.registry.centreForReader(centreId, actor.userId, m);
    if (!reader || (actor.consortiumId !== null && reader.centre.consortiumId !== actor.consortiumId)) {
      throw notFound('Centre', centreId);
    }
    return reader;
  }
}
