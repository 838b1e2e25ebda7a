import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditedRefusal, AuditTrail, recordRefusals } from '@hub/audit';
import { type Actor, conflict, DomainError, forbidden, notFound } from '@hub/core';
import { RegistryQueries } from '@hub/consortium';
import { addendumHash, reportContentHash } from './domain/report-hash.js';
import type { ReturnReason } from './domain/return-reasons.js';
import { signOffRefusal } from './domain/sign-off.js';
import { structuredProblems, type TemplateField } from './domain/structured-fields.js';
import { transition } from './domain/task-state.js';
import { isCentreStaff, privilegeFor } from './reading-access.js';
import { ReadingEventBus } from './reading-events.js';
import { type ReportRow, reportOfTask, templateFieldsOf } from './report-store.js';
import { SignedReportHooks } from './signed-report-hooks.js';
import type { StructuredValue } from './report-view.js';
import { TaskLeases } from './task-leases.service.js';
import { taskEvent } from './task-events.js';
import { loadTask, NO_LEASE, type TaskRecord, updateTask } from './task-store.js';

export interface DraftContent {
  findings: string;
  impression: string;
  structured?: Record<string, StructuredValue>;
}

const unprocessable = (problems: string[]) =>
  new DomainError('unprocessable', `The report is not ready: ${problems.join('; ')}`, { problems });

/** Drafting, submitting, signing and returning: every write carries the holder's fencing token (see TaskLeases). */
@Injectable()
export class ReportWriter {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly leases: TaskLeases,
    private readonly registry: RegistryQueries,
    private readonly audit: AuditTrail,
    private readonly events: ReadingEventBus,
    private readonly hooks: SignedReportHooks,
  ) {}

  /** Saves the draft as a new version (all versions are kept). */
  saveDraft(actor: Actor, taskId: string, token: number, content: DraftContent): Promise<TaskRecord> {
    return this.leases.withLease(actor, taskId, token, 'save', async (m, task) => {
      const structured = content.structured ?? {};
      const problems = structuredProblems(structured, await this.templateFields(m, task), false);
      if (problems.length) throw unprocessable(problems);
      const report = await reportOfTask(m, task.id);
      const version = (report?.version ?? 0) + 1;
      let reportId = report?.id;
      if (report) {
        await m.query(
          `UPDATE reports SET findings = $2, impression = $3, structured = $4, version = $5, author_user_id = $6,
                  updated_at = now() WHERE id = $1`,
          [report.id, content.findings, content.impression, structured, version, actor.userId],
        );
      } else {
        const [row]: { id: string }[] = await m.query(
          `INSERT INTO reports (task_id, status, findings, impression, structured, version, author_user_id)
           VALUES ($1, 'draft', $2, $3, $4, 1, $5) RETURNING id`,
          [task.id, content.findings, content.impression, structured, actor.userId],
        );
        reportId = row!.id;
      }
      await m.query(
        `INSERT INTO report_versions (report_id, version, findings, impression, structured, saved_by, saved_at)
         VALUES ($1, $2, $3, $4, $5, $6, now())`,
        [reportId, version, content.findings, content.impression, structured, actor.userId],
      );
      const state = transition(task.state, 'save');
      if (state !== task.state) await updateTask(m, task.id, { state });
      await this.record(m, 'reading.report.save', task, { reportId, version });
      return [];
    });
  }

  /** Sends the report to review: the lease ends, and the task waits for a senior reader. */
  submit(actor: Actor, taskId: string, token: number): Promise<TaskRecord> {
    return this.leases.withLease(actor, taskId, token, 'submit', async (m, task) => {
      const report = await this.completeReport(m, task);
      const state = transition(task.state, 'submit');
      await updateTask(m, task.id, { state, ...NO_LEASE, submitted_by: actor.userId, submitted_at: new Date() });
      await m.query(`UPDATE reports SET status = 'submitted', updated_at = now() WHERE id = $1`, [report.id]);
      await this.record(m, 'reading.report.submit', task, { reportId: report.id, version: report.version });
      return [taskEvent('task.submitted', { centreId: task.centreId }, { ...task, state }, {})];
    });
  }

  /** Makes the report final: immutable from now on, with signer, time and content hash; the clinic hears at once. */
  sign(actor: Actor, taskId: string, token: number): Promise<TaskRecord> {
    return this.leases.withLease(actor, taskId, token, 'sign', async (m, task, { centre, privileges }) => {
      const privilege = privilegeFor(privileges, task.discipline);
      const refusal = signOffRefusal({
        state: task.state,
        twoStepSignoff: centre.twoStepSignoff,
        maySignDiscipline: privilege?.canSign ?? false,
        signerUserId: actor.userId,
        submittedBy: task.submittedBy,
      });
      if (refusal) throw forbidden(refusal);
      const report = await this.completeReport(m, task);
      const signedAt = new Date();
      const contentHash = reportContentHash({
        reportId: report.id,
        studyId: task.studyId,
        patientId: task.patientId,
        findings: report.findings,
        impression: report.impression,
        structured: report.structured,
        signedBy: actor.userId,
        signedAt,
      });
      await m.query(
        `UPDATE reports SET status = 'signed', signed_by = $2, signed_at = $3, content_hash = $4, updated_at = now()
          WHERE id = $1`,
        [report.id, actor.userId, signedAt, contentHash],
      );
      const state = transition(task.state, 'sign');
      await updateTask(m, task.id, { state, ...NO_LEASE, signed_by: actor.userId, signed_at: signedAt });
      await this.record(m, 'reading.report.sign', task, { reportId: report.id, version: report.version, contentHash });
      await this.hooks.signed(m, {
        reportId: report.id,
        taskId: task.id,
        studyId: task.studyId,
        patientId: task.patientId,
        consortiumId: task.consortiumId,
        discipline: task.discipline,
        examCode: task.examCode,
        signedAt,
      });
      const signed = { ...task, state };
      return [
        taskEvent('report.signed', { institutionId: task.requestingInstitutionId }, signed, { reportId: report.id }),
        taskEvent('report.signed', { centreId: task.centreId }, signed, { reportId: report.id }),
      ];
    });
  }

  /** Sends the task back to the requesting clinic with a reason; the clinic may resubmit. */
  returnToClinic(
    actor: Actor,
    taskId: string,
    token: number,
    reason: ReturnReason,
    note: string | undefined,
  ): Promise<TaskRecord> {
    return this.leases.withLease(actor, taskId, token, 'return', async (m, task) => {
      if (reason === 'other' && !note?.trim()) {
        throw new DomainError('invalid', "note: say why the task is returned when the reason is 'other'");
      }
      const state = transition(task.state, 'return');
      await updateTask(m, task.id, {
        state,
        ...NO_LEASE,
        return_reason: reason,
        return_note: note ?? null,
        returned_at: new Date(),
      });
      await this.record(m, 'reading.task.return', task, { reason });
      return [
        taskEvent(
          'request.returned',
          { institutionId: task.requestingInstitutionId },
          { ...task, state },
          {
            reason,
            note: note ?? null,
          },
        ),
      ];
    });
  }

  /** A signed correction to a signed report, by a senior reader of the centre privileged to sign. */
  async addAddendum(
    actor: Actor,
    reportId: string,
    text: string,
    changesResult = false,
  ): Promise<{ reportId: string; seq: number }> {
    const { task, seq } = await recordRefusals(this.audit, () =>
      this.dataSource.transaction(async (m) => {
        const [row]: { taskId: string }[] = await m.query(
          'SELECT task_id AS "taskId" FROM reports WHERE id = $1 FOR SHARE',
          [reportId],
        );
        if (!row) throw notFound('Report', reportId);
        const task = (await loadTask(m, row.taskId))!;
        const { centre, privileges } = (await this.registry.centreForReader(task.centreId, actor.userId, m))!;
        const privilege = privilegeFor(privileges, task.discipline);
        if (!isCentreStaff(actor, centre) || !privilege?.canSign) {
          throw new AuditedRefusal(
            { action: 'reading.report.addendum', objectType: 'report', objectId: reportId, patientId: task.patientId },
            forbidden(`Addenda are signed by senior readers of ${centre.name} privileged for ${task.discipline}`),
          );
        }
        const report = (await reportOfTask(m, task.id))!;
        if (report.status !== 'signed') {
          throw conflict('Only a signed report takes addenda: edit the draft instead');
        }
        // Addenda of one report are numbered in order: the report row lock above (FOR SHARE) does not serialise them.
        await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`report-addenda:${reportId}`]);
        const [last]: { seq: number; content_hash: string }[] = await m.query(
          'SELECT seq, content_hash FROM report_addenda WHERE report_id = $1 ORDER BY seq DESC LIMIT 1',
          [reportId],
        );
        const seq = (last?.seq ?? 0) + 1;
        const signedAt = new Date();
        const contentHash = addendumHash({
          reportId,
          seq,
          text,
          signedBy: actor.userId,
          signedAt,
          previousHash: last?.content_hash ?? report.contentHash!,
        });
        await m.query(
          `INSERT INTO report_addenda (report_id, seq, text, signed_by, signed_at, content_hash, changes_result)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [reportId, seq, text, actor.userId, signedAt, contentHash, changesResult],
        );
        await this.record(m, 'reading.report.addendum', task, { reportId, seq, contentHash, changesResult });
        await this.hooks.amended(m, { reportId, studyId: task.studyId, addendumSeq: seq, changesResult, signedAt });
        return { task, seq };
      }),
    );
    this.events.publish([
      taskEvent('report.amended', { institutionId: task.requestingInstitutionId }, task, {
        reportId,
        addendumSeq: seq,
      }),
    ]);
    return { reportId, seq };
  }

  /** The report, checked complete: an impression, and every required structured field of the exam's template. */
  private async completeReport(m: EntityManager, task: TaskRecord): Promise<ReportRow> {
    const report = await reportOfTask(m, task.id);
    if (!report) throw conflict('There is no report yet: save a draft first (PUT /api/tasks/:id/report)');
    const problems = structuredProblems(report.structured, await this.templateFields(m, task), true);
    if (!report.impression.trim()) problems.unshift('impression (诊断意见) is empty');
    if (problems.length) throw unprocessable(problems);
    return report;
  }

  private async templateFields(m: EntityManager, task: TaskRecord): Promise<TemplateField[] | null> {
    if (!task.examCode) return null;
    return templateFieldsOf(m, task.consortiumId, task.examCode);
  }

  private record(m: EntityManager, action: string, task: TaskRecord, details: Record<string, unknown>): Promise<void> {
    return this.audit.record(
      { action, objectType: 'reading_task', objectId: task.id, patientId: task.patientId, details },
      m,
    );
  }
}
