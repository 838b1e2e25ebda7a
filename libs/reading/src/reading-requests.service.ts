import { Injectable } from '@nestjs/common';
import type { NewReadingRequest } from '@hub/contracts';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditedRefusal, AuditTrail, recordRefusals } from '@hub/audit';
import { type Actor, conflict, type Discipline, DomainError, forbidden, notFound } from '@hub/core';
import { type Centre, RegistryQueries } from '@hub/consortium';
import { StudyAccessGrants } from '@hub/studies';
import { dueAt, PRIORITY_RANK } from './domain/sla.js';
import { transition } from './domain/task-state.js';
import { isRequester } from './reading-access.js';
import { ReadingEventBus } from './reading-events.js';
import { taskEvent } from './task-events.js';
import { loadTask, loadTaskOfRequest, type TaskRecord, updateTask } from './task-store.js';

export type { NewReadingRequest } from '@hub/contracts';

interface StudyFacts {
  id: string;
  institutionId: string;
  consortiumId: string;
  discipline: Discipline;
  patientId: string;
  examCode: string | null;
}

/** The clinic's side of a reading: ask, cancel while no one has claimed, resubmit after a return. */
@Injectable()
export class ReadingRequests {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: RegistryQueries,
    private readonly audit: AuditTrail,
    private readonly events: ReadingEventBus,
    private readonly studyAccess: StudyAccessGrants,
  ) {}

  async create(actor: Actor, input: NewReadingRequest): Promise<TaskRecord> {
    const study = await this.studyOf(actor, await this.studyIdOf(input), 'reading.request.create');
    const centre = await this.centreFor(actor, study, input.centreId);
    const task = await this.dataSource.transaction(async (m) => {
      // One open request per study: serialise requests for the same study, then look.
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`reading-request:${study.id}`]);
      const [open]: { id: string; state: string }[] = await m.query(
        `SELECT r.id, t.state FROM reading_requests r JOIN reading_tasks t ON t.request_id = r.id
          WHERE r.study_id = $1 AND t.state NOT IN ('signed', 'cancelled') LIMIT 1`,
        [study.id],
      );
      if (open) {
        throw conflict(`This study already has an open reading request (${open.id}, ${open.state}); cancel it first`, {
          requestId: open.id,
        });
      }
      const [request]: { id: string; created_at: Date }[] = await m.query(
        `INSERT INTO reading_requests (consortium_id, requesting_institution_id, requested_by_user_id, study_id,
           patient_id, discipline, priority, referral, clinical_notes, exam_code)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id, created_at`,
        [
          study.consortiumId,
          study.institutionId,
          actor.userId,
          study.id,
          study.patientId,
          study.discipline,
          input.priority,
          input.referral ?? false,
          input.clinicalNotes ?? null,
          input.examCode ?? study.examCode,
        ],
      );
      const queuedAt = request!.created_at;
      const [row]: { id: string }[] = await m.query(
        `INSERT INTO reading_tasks (request_id, centre_id, discipline, priority_rank, referral_rank, queued_at, due_at,
           state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued') RETURNING id`,
        [
          request!.id,
          centre.id,
          study.discipline,
          PRIORITY_RANK[input.priority],
          input.referral ? 0 : 1,
          queuedAt,
          dueAt(queuedAt, centre.sla[input.priority]),
        ],
      );
      // The centre's readers may open the study while the request lives (and after signing: the report cites it).
      await this.studyAccess.grant(m, {
        studyId: study.id,
        grantee: { type: 'centre', id: centre.id },
        source: { type: 'reading_request', id: request!.id },
      });
      await this.audit.record(
        {
          action: 'reading.request.create',
          objectType: 'reading_request',
          objectId: request!.id,
          patientId: study.patientId,
          details: { studyId: study.id, centreId: centre.id, priority: input.priority, referral: !!input.referral },
        },
        m,
      );
      return (await loadTask(m, row!.id))!;
    });
    this.events.publish([taskEvent('task.created', { centreId: centre.id }, task, {})]);
    return task;
  }

  /** Cancels a request no one has claimed yet (or one the centre returned). */
  cancel(actor: Actor, requestId: string, reason: string | undefined): Promise<TaskRecord> {
    return this.change(actor, requestId, 'reading.request.cancel', async (m, task) => {
      const state = transition(task.state, 'cancel');
      await updateTask(m, task.id, { state, cancelled_at: new Date(), cancel_reason: reason ?? null });
      await this.studyAccess.revoke(m, { source: { type: 'reading_request', id: requestId } });
      return state;
    });
  }

  /** Puts a returned request back in the queue, with a fresh due time and, if given, updated clinical notes. */
  resubmit(actor: Actor, requestId: string, clinicalNotes: string | undefined): Promise<TaskRecord> {
    return this.change(actor, requestId, 'reading.request.resubmit', async (m, task) => {
      const state = transition(task.state, 'resubmit');
      const centre = (await this.registry.findCentre(task.centreId, m))!;
      const queuedAt = new Date();
      await updateTask(m, task.id, {
        state,
        queued_at: queuedAt,
        due_at: dueAt(queuedAt, centre.sla[task.priority]),
        resubmissions: task.resubmissions + 1,
        // A new due time: coordinators hear about it afresh.
        sla_warned_at: null,
        sla_breached_at: null,
      });
      if (clinicalNotes !== undefined) {
        await m.query('UPDATE reading_requests SET clinical_notes = $2 WHERE id = $1', [requestId, clinicalNotes]);
      }
      return state;
    });
  }

  private async change(
    actor: Actor,
    requestId: string,
    action: string,
    apply: (m: EntityManager, task: TaskRecord) => Promise<string>,
  ): Promise<TaskRecord> {
    const task = await recordRefusals(this.audit, () =>
      this.dataSource.transaction(async (m) => {
        const locked = await loadTaskOfRequest(m, requestId, true);
        if (!locked) throw notFound('Reading request', requestId);
        if (!isRequester(actor, locked.requestingInstitutionId)) {
          throw new AuditedRefusal(
            { action, objectType: 'reading_request', objectId: requestId, patientId: locked.patientId },
            forbidden('Only the clinic that made this request can change it'),
          );
        }
        const state = await apply(m, locked);
        await this.audit.record(
          {
            action,
            objectType: 'reading_request',
            objectId: requestId,
            patientId: locked.patientId,
            details: { state },
          },
          m,
        );
        return (await loadTask(m, locked.id))!;
      }),
    );
    const name = task.state === 'cancelled' ? 'task.cancelled' : 'task.created';
    this.events.publish([taskEvent(name, { centreId: task.centreId }, task, {})]);
    return task;
  }

  /** The study a request names, by id or by Study Instance UID (unique across the hub); exactly one of them. */
  private async studyIdOf(input: NewReadingRequest): Promise<string> {
    if ((input.studyId === undefined) === (input.studyInstanceUid === undefined)) {
      throw new DomainError('invalid', 'Name the study by studyId or by studyInstanceUid (one of them)');
    }
    if (input.studyId !== undefined) return input.studyId;
    const [row]: { id: string }[] = await this.dataSource.query(
      'SELECT id FROM studies WHERE study_instance_uid = $1',
      [input.studyInstanceUid],
    );
    if (!row) throw notFound('Study with Study Instance UID', input.studyInstanceUid!);
    return row.id;
  }

  private async studyOf(actor: Actor, studyId: string, action: string): Promise<StudyFacts> {
    const [study]: StudyFacts[] = await this.dataSource.query(
      `SELECT id, institution_id AS "institutionId", consortium_id AS "consortiumId", discipline,
              patient_id AS "patientId", exam_code AS "examCode"
         FROM studies WHERE id = $1`,
      [studyId],
    );
    if (!study) throw notFound('Study', studyId);
    if (!isRequester(actor, study.institutionId)) {
      await this.audit.record({
        action,
        objectType: 'study',
        objectId: studyId,
        patientId: study.patientId,
        outcome: 'denied',
      });
      throw forbidden('This study was not sent by your institution: a clinic requests readings of its own studies');
    }
    return study;
  }

  private async centreFor(actor: Actor, study: StudyFacts, centreId: string | undefined): Promise<Centre> {
    if (!centreId) {
      const serving = await this.registry.centresServing(study.institutionId, study.discipline);
      const centre = serving.find((c) => c.consortiumId === study.consortiumId);
      if (!centre) {
        throw new DomainError(
          'unprocessable',
          `No centre of your consortium reads ${study.discipline} studies for your institution; ask the consortium ` +
            'administrator to add your institution to a centre',
        );
      }
      return centre;
    }
    const centre = await this.registry.findCentre(centreId);
    if (!centre || centre.consortiumId !== actor.consortiumId) throw notFound('Centre', centreId);
    if (centre.discipline !== study.discipline) {
      throw new DomainError(
        'unprocessable',
        `${centre.name} reads ${centre.discipline} studies; this study is ${study.discipline}`,
      );
    }
    if (!centre.servedInstitutionIds.includes(study.institutionId)) {
      throw new DomainError('unprocessable', `${centre.name} does not serve your institution`);
    }
    return centre;
  }
}
