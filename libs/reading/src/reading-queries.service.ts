import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditTrail } from '@hub/audit';
import { type Actor, forbidden, hasRole, notFound, type Page, type PageRequest, type Priority } from '@hub/core';
import { RegistryQueries } from '@hub/consortium';
import { StudyAccessGrants } from '@hub/studies';
import type { TemplateField } from './domain/structured-fields.js';
import type { TaskState } from './domain/task-state.js';
import { isCentreStaff, isRequester, mayViewQueue, privilegeFor } from './reading-access.js';
import { type RequestView, type TaskView, toRequestView, toTaskView } from './reading-views.js';
import { loadReportView, templateFieldsOf } from './report-store.js';
import { ReportMarks } from './signed-report-hooks.js';
import type { ReportView } from './report-view.js';
import { loadTask, loadTaskOfRequest, TASK_RECORD_COLUMNS, type TaskRecord } from './task-store.js';

export interface QueueFilter {
  stage?: 'read' | 'review';
  states?: TaskState[];
  priority?: Priority;
  referral?: boolean;
  requestingInstitutionId?: string;
  mine?: boolean;
}

export interface QueueItem extends TaskView {
  examCode: string | null;
  requestingInstitution: { id: string; name: string };
  patient: { name: string | null; sex: string | null; birthDate: string | null };
  study: { id: string; description: string | null };
  holder: { userId: string; displayName: string } | null;
}

const OPEN_STATES: TaskState[] = ['queued', 'claimed', 'drafted', 'submitted', 'reviewing'];
const STAGE_STATES: Record<'read' | 'review', TaskState[]> = {
  read: ['queued', 'claimed', 'drafted'],
  review: ['submitted', 'reviewing'],
};

/** requester: the clinic that asked; grantee: someone the study was shared with (a consultation's specialist). */
type Viewer = 'requester' | 'grantee' | 'centre' | 'coordinator';
/** Who sees a report only once it is signed. */
const SIGNED_ONLY: readonly Viewer[] = ['requester', 'grantee'];

/** Reads of requests, tasks, queues and reports: scoped to who may see them, every one audited. */
@Injectable()
export class ReadingQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: RegistryQueries,
    private readonly audit: AuditTrail,
    private readonly marks: ReportMarks,
    private readonly grants: StudyAccessGrants,
  ) {}

  async request(actor: Actor, requestId: string): Promise<RequestView> {
    return this.readTask(actor, 'reading.request.read', (m) => loadTaskOfRequest(m, requestId), requestId);
  }

  async task(actor: Actor, taskId: string): Promise<RequestView> {
    return this.readTask(actor, 'reading.task.read', (m) => loadTask(m, taskId), taskId);
  }

  /** The report (JSON view); clinics see it once signed. */
  async report(actor: Actor, reportId: string): Promise<ReportView> {
    const outcome = await this.dataSource.transaction(async (m) => {
      const report = await this.withMarks(m, await loadReportView(m, 'rp.id', reportId));
      if (!report) throw notFound('Report', reportId);
      const task = (await loadTask(m, report.taskId))!;
      const viewer = await this.viewerOf(actor, task, m);
      if (!viewer) return { denied: true as const, patientId: task.patientId };
      // A clinic does not see drafts: to it, an unsigned report does not exist yet.
      if (SIGNED_ONLY.includes(viewer) && report.status !== 'signed') throw notFound('Report', reportId);
      await this.audit.record(
        { action: 'reading.report.read', objectType: 'report', objectId: reportId, patientId: task.patientId },
        m,
      );
      return { denied: false as const, report };
    });
    if (outcome.denied) {
      await this.denied('reading.report.read', 'report', reportId, outcome.patientId);
      throw forbidden('This report belongs to another institution');
    }
    return outcome.report;
  }

  private async withMarks(m: EntityManager, report: ReportView | null): Promise<ReportView | null> {
    if (report?.status !== 'signed') return report;
    return { ...report, marks: await this.marks.of(m, report.id) };
  }

  /** The clinic's own requests, newest first. */
  async requestsOfInstitution(
    actor: Actor,
    states: TaskState[] | undefined,
    page: PageRequest,
  ): Promise<Page<TaskView>> {
    if (!actor.institutionId || !hasRole(actor, 'clinic_technician', 'clinic_doctor')) {
      throw forbidden("Only clinic staff list their institution's requests");
    }
    const institutionId = actor.institutionId;
    return this.dataSource.transaction(async (m) => {
      const rows: TaskRecord[] = await m.query(
        `SELECT ${TASK_RECORD_COLUMNS} FROM reading_tasks t JOIN reading_requests r ON r.id = t.request_id
          WHERE r.requesting_institution_id = $1 AND ($2::text[] IS NULL OR t.state = ANY($2))
          ORDER BY r.created_at DESC, r.id LIMIT $3 OFFSET $4`,
        [institutionId, states ?? null, page.limit, page.offset],
      );
      const [count]: { total: number }[] = await m.query(
        `SELECT count(*)::int AS total FROM reading_tasks t JOIN reading_requests r ON r.id = t.request_id
          WHERE r.requesting_institution_id = $1 AND ($2::text[] IS NULL OR t.state = ANY($2))`,
        [institutionId, states ?? null],
      );
      // The list names patients (ids) and their requests: reading it is an access to patient data.
      await this.audit.record(
        {
          action: 'reading.request.list',
          objectType: 'institution',
          objectId: institutionId,
          details: { returned: rows.length, states: states ?? null },
        },
        m,
      );
      return { items: rows.map((t) => toTaskView(t, actor)), total: count!.total, ...page };
    });
  }

  /** A centre's worklist in claim order: STAT, urgent, routine; referrals first; earliest due first. */
  async queue(actor: Actor, centreId: string, filter: QueueFilter, page: PageRequest): Promise<Page<QueueItem>> {
    const reader = await this.registry.centreForReader(centreId, actor.userId);
    if (!reader || (actor.consortiumId !== null && reader.centre.consortiumId !== actor.consortiumId)) {
      throw notFound('Centre', centreId);
    }
    const { centre } = reader;
    if (!mayViewQueue(actor, centre, reader.privileges)) {
      await this.denied('reading.queue.read', 'centre', centreId, null);
      throw forbidden(`Only the privileged readers of ${centre.name} and coordinators see its queue`);
    }
    const states = filter.states ?? (filter.stage ? STAGE_STATES[filter.stage] : OPEN_STATES);
    const params: unknown[] = [
      centreId,
      states,
      filter.priority ?? null,
      filter.referral ?? null,
      filter.requestingInstitutionId ?? null,
      filter.mine ? actor.userId : null,
    ];
    const where = `t.centre_id = $1 AND t.state = ANY($2) AND ($3::text IS NULL OR r.priority = $3)
      AND ($4::boolean IS NULL OR r.referral = $4) AND ($5::uuid IS NULL OR r.requesting_institution_id = $5)
      AND ($6::uuid IS NULL OR t.holder_user_id = $6)`;
    return this.dataSource.transaction(async (m) => {
      const rows: (TaskRecord & Omit<QueueItem, keyof TaskView>)[] = await m.query(
        `SELECT ${TASK_RECORD_COLUMNS},
                json_build_object('id', ri.id, 'name', ri.name) AS "requestingInstitution",
                json_build_object('name', s.patient_name, 'sex', s.patient_sex,
                                  'birthDate', s.patient_birth_date::text) AS patient,
                json_build_object('id', s.id, 'description', s.description) AS study,
                CASE WHEN hu.id IS NULL THEN NULL
                     ELSE json_build_object('userId', hu.id, 'displayName', hu.display_name) END AS holder
           FROM reading_tasks t
           JOIN reading_requests r ON r.id = t.request_id
           JOIN institutions ri ON ri.id = r.requesting_institution_id
           JOIN studies s ON s.id = r.study_id
           LEFT JOIN users hu ON hu.id = t.holder_user_id
          WHERE ${where}
          ORDER BY t.priority_rank, t.referral_rank, t.due_at, t.id
          LIMIT $7 OFFSET $8`,
        [...params, page.limit, page.offset],
      );
      const [count]: { total: number }[] = await m.query(
        `SELECT count(*)::int AS total FROM reading_tasks t JOIN reading_requests r ON r.id = t.request_id
          WHERE ${where}`,
        params,
      );
      await this.audit.record(
        {
          action: 'reading.queue.read',
          objectType: 'centre',
          objectId: centreId,
          details: { returned: rows.length, filter: { ...filter } },
        },
        m,
      );
      const now = new Date();
      return {
        items: rows.map((row) => ({
          ...toTaskView(row, actor, now),
          examCode: row.examCode,
          requestingInstitution: row.requestingInstitution,
          patient: row.patient,
          study: row.study,
          holder: row.holder,
        })),
        total: count!.total,
        ...page,
      };
    });
  }

  /** The structured fields of an exam's template in the caller's consortium (labels for printing), if any. */
  async templateFields(actor: Actor, examCode: string | null): Promise<TemplateField[] | null> {
    if (!examCode || !actor.consortiumId) return null;
    return templateFieldsOf(this.dataSource, actor.consortiumId, examCode);
  }

  /** Whether the caller sees this task at all, and as whom. */
  async viewerOf(actor: Actor, task: TaskRecord, m?: EntityManager): Promise<Viewer | null> {
    if (isRequester(actor, task.requestingInstitutionId)) return 'requester';
    if (hasRole(actor, 'coordinator') && actor.consortiumId === task.consortiumId) return 'coordinator';
    const reader = await this.registry.centreForReader(task.centreId, actor.userId, m);
    if (reader && isCentreStaff(actor, reader.centre) && privilegeFor(reader.privileges, reader.centre.discipline)) {
      return 'centre';
    }
    const manager = m ?? this.dataSource.manager;
    if (
      hasRole(actor, 'specialist') &&
      (await this.grants.held(manager, { type: 'user', id: actor.userId }, task.studyId))
    ) {
      return 'grantee';
    }
    return null;
  }

  private async readTask(
    actor: Actor,
    action: string,
    load: (m: EntityManager) => Promise<TaskRecord | null>,
    id: string,
  ): Promise<RequestView> {
    const outcome = await this.dataSource.transaction(async (m) => {
      const task = await load(m);
      if (!task) throw notFound(action === 'reading.task.read' ? 'Task' : 'Reading request', id);
      const viewer = await this.viewerOf(actor, task, m);
      if (!viewer) return { denied: true as const, task };
      const report = await this.withMarks(m, await loadReportView(m, 'rp.task_id', task.id));
      await this.audit.record(
        { action, objectType: 'reading_request', objectId: task.requestId, patientId: task.patientId },
        m,
      );
      const visible = SIGNED_ONLY.includes(viewer) && report?.status !== 'signed' ? null : report;
      return { denied: false as const, view: toRequestView(task, visible, actor) };
    });
    if (outcome.denied) {
      // Recorded outside the read's transaction, which a refusal would roll back.
      await this.denied(action, 'reading_request', outcome.task.requestId, outcome.task.patientId);
      throw forbidden('This reading request belongs to another institution');
    }
    return outcome.view;
  }

  private denied(action: string, objectType: string, objectId: string, patientId: string | null): Promise<void> {
    return this.audit.record({ action, objectType, objectId, patientId, outcome: 'denied' });
  }
}
