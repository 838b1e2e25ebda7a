import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditTrail } from '@hub/audit';
import { type Actor, DomainError, type Discipline, forbidden, hasRole, notFound } from '@hub/core';
import { RegistryQueries } from '@hub/consortium';
import { mayAdministerRecognition } from './domain/recognition-access.js';

export interface QcRecordInput {
  discipline: Discipline;
  passedFrom: string;
  passedTo?: string | null;
  source: string;
}

export interface QcRecordView {
  id: string;
  institutionId: string;
  discipline: Discipline;
  passedFrom: string;
  passedTo: string | null;
  source: string;
  recordedBy: string;
  recordedAt: string;
  supersededAt: string | null;
  supersededBy: string | null;
}

const QC_COLUMNS = `id, institution_id AS "institutionId", discipline, passed_from::text AS "passedFrom",
  passed_to::text AS "passedTo", source, recorded_by AS "recordedBy", recorded_at AS "recordedAt",
  superseded_at AS "supersededAt", superseded_by AS "supersededBy"`;

type QcRow = Omit<QcRecordView, 'recordedAt' | 'supersededAt'> & { recordedAt: Date; supersededAt: Date | null };

const toView = (r: QcRow): QcRecordView => ({
  ...r,
  recordedAt: r.recordedAt.toISOString(),
  supersededAt: r.supersededAt?.toISOString() ?? null,
});

/**
 * Which institutions passed quality control for which discipline and when. A correction supersedes a record (never
 * edits it), so the history of what was believed when stays readable.
 */
@Injectable()
export class QcRecords {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: RegistryQueries,
    private readonly audit: AuditTrail,
  ) {}

  /** All records of an institution, superseded ones included, newest first. */
  async list(actor: Actor, institutionId: string): Promise<QcRecordView[]> {
    await this.institutionOf(actor, institutionId, 'read');
    const rows: QcRow[] = await this.dataSource.query(
      `SELECT ${QC_COLUMNS} FROM institution_qc_records WHERE institution_id = $1
        ORDER BY discipline, recorded_at DESC, id`,
      [institutionId],
    );
    return rows.map(toView);
  }

  async create(actor: Actor, institutionId: string, input: QcRecordInput): Promise<QcRecordView> {
    await this.institutionOf(actor, institutionId, 'write');
    return this.dataSource.transaction((m) => this.insert(m, actor, institutionId, input, null));
  }

  /** Replaces a current record with a corrected one; the old one stays, marked superseded by the new. */
  async supersede(actor: Actor, institutionId: string, recordId: string, input: QcRecordInput): Promise<QcRecordView> {
    await this.institutionOf(actor, institutionId, 'write');
    return this.dataSource.transaction(async (m) => {
      const [old]: { supersededAt: Date | null; discipline: Discipline }[] = await m.query(
        `SELECT superseded_at AS "supersededAt", discipline FROM institution_qc_records
          WHERE id = $1 AND institution_id = $2 FOR UPDATE`,
        [recordId, institutionId],
      );
      if (!old) throw notFound('QC record', recordId);
      if (old.supersededAt)
        throw new DomainError('conflict', 'This QC record was already superseded: correct the current one');
      if (old.discipline !== input.discipline) {
        throw new DomainError(
          'unprocessable',
          `A correction keeps the discipline (${old.discipline}); add a new record instead`,
        );
      }
      return this.insert(m, actor, institutionId, input, recordId);
    });
  }

  private async insert(
    m: EntityManager,
    actor: Actor,
    institutionId: string,
    input: QcRecordInput,
    supersedes: string | null,
  ): Promise<QcRecordView> {
    if (input.passedTo && input.passedTo < input.passedFrom) {
      throw new DomainError('unprocessable', 'passedTo is before passedFrom: the period must run forwards', {
        field: 'passedTo',
      });
    }
    const [row]: QcRow[] = await m.query(
      `INSERT INTO institution_qc_records (institution_id, discipline, passed_from, passed_to, source, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${QC_COLUMNS}`,
      [institutionId, input.discipline, input.passedFrom, input.passedTo ?? null, input.source, actor.userId],
    );
    if (supersedes) {
      await m.query('UPDATE institution_qc_records SET superseded_at = now(), superseded_by = $2 WHERE id = $1', [
        supersedes,
        row!.id,
      ]);
    }
    await this.audit.record(
      {
        action: supersedes ? 'recognition.qc.supersede' : 'recognition.qc.create',
        objectType: 'institution_qc_record',
        objectId: row!.id,
        details: { institutionId, ...input, supersedes },
      },
      m,
    );
    return toView(row!);
  }

  /** The institution, if the caller may read (administrators, coordinators, auditors of its consortium) or write it. */
  private async institutionOf(actor: Actor, institutionId: string, access: 'read' | 'write'): Promise<void> {
    const institution = await this.registry.findInstitution(institutionId);
    if (!institution || institution.consortiumId !== actor.consortiumId) {
      throw notFound('Institution', institutionId);
    }
    const allowed =
      access === 'write' ? mayAdministerRecognition(actor) : hasRole(actor, 'admin', 'coordinator', 'auditor');
    if (!allowed) {
      await this.audit.record({
        action: `recognition.qc.${access}`,
        objectType: 'institution',
        objectId: institutionId,
        outcome: 'denied',
      });
      throw forbidden(
        access === 'write'
          ? "QC records are kept by the consortium's administrators"
          : "QC records are read by the consortium's administrators, coordinators and auditors",
      );
    }
  }
}
