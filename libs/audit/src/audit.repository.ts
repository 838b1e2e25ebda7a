import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Page } from '@hub/core';
import type { AuditEvent, AuditFilter, AuditOutcome, ChainVerification } from './audit-event.js';
import { AuditEventEntity } from './entities/audit-event.entity.js';

/** An event as written: the database trigger adds id, time and the hash chain. */
export type AuditRow = Omit<AuditEvent, 'id' | 'occurredAt' | 'prevHash' | 'hash'>;

const VERIFY_BATCH = 5000;

const COLUMNS = `actor_user_id, actor_username, actor_roles, actor_institution_id, action, object_type, object_id,
  patient_id, outcome, source_ip, request_id, details`;
const values = (row: AuditRow): unknown[] => [
  row.actorUserId,
  row.actorUsername,
  row.actorRoles,
  row.actorInstitutionId,
  row.action,
  row.objectType,
  row.objectId,
  row.patientId,
  row.outcome,
  row.sourceIp,
  row.requestId,
  row.details,
];
/** `$first, …` for the twelve columns. */
const placeholders = (first: number) => Array.from({ length: 12 }, (_, i) => `$${first + i}`).join(', ');

const toEvent = (e: AuditEventEntity): AuditEvent => ({ ...e, outcome: e.outcome as AuditOutcome });

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** id, time and hashes are filled in by the database trigger. */
  async append(row: AuditRow, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(`INSERT INTO audit_events (${COLUMNS}) VALUES (${placeholders(1)})`, values(row));
  }

  /**
   * Runs a data-modifying `statement` (with RETURNING) and appends the event in the same SQL statement: one round trip,
   * and the write and its event succeed or fail together. Resolves to the statement's rows.
   */
  async appendWith<T>(manager: EntityManager, row: AuditRow, statement: string, params: unknown[]): Promise<T[]> {
    return manager.query(
      `WITH written AS (${statement}),
            audited AS (INSERT INTO audit_events (${COLUMNS}) VALUES (${placeholders(params.length + 1)}))
       SELECT * FROM written`,
      [...params, ...values(row)],
    );
  }

  async find(filter: AuditFilter): Promise<Page<AuditEvent>> {
    const qb = this.dataSource.getRepository(AuditEventEntity).createQueryBuilder('e');
    if (filter.consortiumId) {
      qb.andWhere('e.actor_institution_id IN (SELECT id FROM institutions WHERE consortium_id = :consortiumId)', {
        consortiumId: filter.consortiumId,
      });
    }
    if (filter.from) qb.andWhere('e.occurred_at >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('e.occurred_at < :to', { to: filter.to });
    if (filter.actorUserId) qb.andWhere('e.actor_user_id = :actor', { actor: filter.actorUserId });
    if (filter.patientId) qb.andWhere('e.patient_id = :patient', { patient: filter.patientId });
    if (filter.action) qb.andWhere('e.action = :action', { action: filter.action });
    if (filter.outcome) qb.andWhere('e.outcome = :outcome', { outcome: filter.outcome });
    const [rows, total] = await qb.orderBy('e.id', 'DESC').take(filter.limit).skip(filter.offset).getManyAndCount();
    return { items: rows.map(toEvent), total, limit: filter.limit, offset: filter.offset };
  }

  /** Recomputes every hash with the same SQL function the trigger used, and checks each link to its predecessor. */
  async verifyChain(): Promise<ChainVerification> {
    let afterId = '0';
    let previousHash = 'genesis';
    let checked = 0;
    for (;;) {
      const rows: { id: string; prev_hash: string; hash: string; expected: string }[] = await this.dataSource.query(
        `SELECT e.id, e.prev_hash, e.hash, audit_event_digest(e) AS expected
           FROM audit_events e WHERE e.id > $1 ORDER BY e.id LIMIT $2`,
        [afterId, VERIFY_BATCH],
      );
      for (const row of rows) {
        if (row.prev_hash !== previousHash) {
          return { valid: false, checked, brokenAt: row.id, reason: 'link to the previous event does not match' };
        }
        if (row.hash !== row.expected) {
          return { valid: false, checked, brokenAt: row.id, reason: 'content does not match its hash' };
        }
        previousHash = row.hash;
        afterId = row.id;
        checked += 1;
      }
      if (rows.length < VERIFY_BATCH) return { valid: true, checked };
    }
  }
}
