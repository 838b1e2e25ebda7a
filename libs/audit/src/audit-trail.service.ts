import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { requestContext } from '@hub/core';
import type { AuditEntry } from './audit-event.js';
import { AuditRepository, type AuditRow, type PerRowWrite, type RowColumns } from './audit.repository.js';

/** A data-modifying statement (with RETURNING, fixed text) audited with one event per row it returns. */
export interface AuditedWrite {
  entry: Omit<AuditEntry, 'objectId' | 'patientId'>;
  /** The returned columns that give each event its object id, patient id and extra details. */
  columns: RowColumns;
  statement: string;
  params: unknown[];
}

/**
 * Writes audit events with the caller taken from the request context. Pass the transaction's EntityManager when the
 * audited access happens in one, so the access and its audit event commit (or roll back) together.
 */
@Injectable()
export class AuditTrail {
  constructor(private readonly repository: AuditRepository) {}

  async record(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    await this.repository.append(this.rowFor(entry), manager);
  }

  /**
   * Runs `statement` (an INSERT, UPDATE or DELETE with RETURNING) in `manager`'s transaction with the audit event in
   * the same SQL statement, saving a round trip; resolves to the statement's rows.
   */
  recordWith<T>(manager: EntityManager, entry: AuditEntry, statement: string, params: unknown[]): Promise<T[]> {
    return this.repository.appendWith<T>(manager, this.rowFor(entry), statement, params);
  }

  /**
   * Audited writes in one SQL statement: each data-modifying statement (with RETURNING) gets one audit event per row
   * it returns, its `columns` naming the returned columns that give each event its object id, patient id and extra
   * details. One round trip, and atomic without a transaction. Each statement numbers its parameters from $1 and holds
   * no other `$`. Resolves to the first statement's rows.
   */
  recordPerRowAll<T>(manager: EntityManager, writes: readonly AuditedWrite[]): Promise<T[]> {
    return this.repository.appendPerRowAll<T>(
      manager,
      writes.map((w) => this.perRowWrite(w)),
    );
  }

  /** As recordPerRowAll, resolving to the rows of each write in turn (every statement returns the same columns). */
  recordPerRowEach<T>(manager: EntityManager, writes: readonly AuditedWrite[]): Promise<T[][]> {
    return this.repository.appendPerRowEach<T>(
      manager,
      writes.map((w) => this.perRowWrite(w)),
    );
  }

  private perRowWrite(w: AuditedWrite): PerRowWrite {
    return { row: this.rowFor(w.entry), columns: w.columns, statement: w.statement, params: w.params };
  }

  private rowFor(entry: AuditEntry): AuditRow {
    const ctx = requestContext.current();
    const actor = ctx?.actor;
    return {
      actorUserId: actor?.userId ?? null,
      actorUsername: actor?.username ?? null,
      actorRoles: actor ? [...actor.roles] : [],
      actorInstitutionId: actor?.institutionId ?? null,
      action: entry.action,
      objectType: entry.objectType,
      objectId: entry.objectId ?? null,
      patientId: entry.patientId ?? null,
      outcome: entry.outcome ?? 'success',
      sourceIp: ctx?.sourceIp ?? null,
      requestId: ctx?.requestId ?? null,
      details: entry.details ?? null,
    };
  }
}
