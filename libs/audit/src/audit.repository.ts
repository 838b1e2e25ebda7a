import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Page } from '@hub/core';
import { PreparedStatement, preparedQuery } from '@hub/db';
import type { AuditEvent, AuditFilter, AuditOutcome, ChainVerification } from './audit-event.js';
import { AuditEventEntity } from './entities/audit-event.entity.js';

/** An event as written: the database trigger adds id and time. */
export type AuditRow = Omit<AuditEvent, 'id' | 'occurredAt'>;

/** Columns of a written row that fill in its audit event (see appendPerRowAll). */
export interface RowColumns {
  objectId: string;
  patientId?: string;
  details?: string[];
}

const VERIFY_BATCH = 5000;
const SEAL_BATCH = 5000;

const COLUMNS = `actor_user_id, actor_username, actor_roles, actor_institution_id, action, object_type, object_id,
  patient_id, outcome, source_ip, request_id, details`;
/** The event's columns before object id and patient id, and after them (appendPerRowAll takes those two from rows). */
const actorValues = (row: AuditRow): unknown[] => [
  row.actorUserId,
  row.actorUsername,
  row.actorRoles,
  row.actorInstitutionId,
  row.action,
  row.objectType,
];
const outcomeValues = (row: AuditRow): unknown[] => [
  row.outcome,
  row.sourceIp,
  row.requestId,
  row.details === null ? null : JSON.stringify(row.details),
];
const values = (row: AuditRow): unknown[] => [...actorValues(row), row.objectId, row.patientId, ...outcomeValues(row)];
/** `$first, …` for the twelve columns. */
const placeholders = (first: number) => Array.from({ length: 12 }, (_, i) => `$${first + i}`).join(', ');

/** One audited write of appendPerRowAll: a data-modifying statement with RETURNING, and its event per returned row. */
export interface PerRowWrite {
  row: AuditRow;
  columns: RowColumns;
  statement: string;
  params: unknown[];
}

/**
 * The CTEs of audited writes in one statement: each write, then its events, one per returned row. Each statement
 * numbers its own parameters from $1 and must hold no other `$` (no dollar quoting), as they are renumbered.
 */
function perRowCtes(writes: readonly PerRowWrite[]): { ctes: string; params: unknown[] } {
  const params: unknown[] = [];
  const ctes = writes.map((w, k) => {
    const offset = params.length;
    const statement = w.statement.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
    params.push(...w.params, ...actorValues(w.row), ...outcomeValues(w.row));
    const p = (i: number) => `$${offset + w.params.length + i}`;
    const col = (name: string) => `w."${name.replace(/"/g, '""')}"`;
    const detailPairs = (w.columns.details ?? []).map((name) => `'${name.replace(/'/g, "''")}', ${col(name)}`);
    return `written${k} AS (${statement}),
          audited${k} AS (
            INSERT INTO audit_events (${COLUMNS})
            SELECT ${p(1)}::uuid, ${p(2)}::text, ${p(3)}::text[], ${p(4)}::uuid, ${p(5)}::text, ${p(6)}::text,
                   ${col(w.columns.objectId)}::text, ${w.columns.patientId ? `${col(w.columns.patientId)}::uuid` : 'NULL'},
                   ${p(7)}::text, ${p(8)}::text, ${p(9)}::text,
                   coalesce(${p(10)}::jsonb, '{}'::jsonb) || jsonb_build_object(${detailPairs.join(', ')})
              FROM written${k} w)`;
  });
  return { ctes: ctes.join(',\n            '), params };
}

const appendOne = new PreparedStatement<never>(`INSERT INTO audit_events (${COLUMNS}) VALUES (${placeholders(1)})`);

const toEvent = (e: AuditEventEntity): AuditEvent => ({ ...e, outcome: e.outcome as AuditOutcome });

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** id, time and hashes are filled in by the database trigger. */
  async append(row: AuditRow, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await appendOne.run(manager, values(row));
  }

  /**
   * Runs a data-modifying `statement` (with RETURNING) and appends the event in the same SQL statement: one round trip,
   * and the write and its event succeed or fail together. Resolves to the statement's rows. `statement` must be a fixed
   * text (values go in `params`): the whole is prepared once per connection.
   */
  async appendWith<T>(manager: EntityManager, row: AuditRow, statement: string, params: unknown[]): Promise<T[]> {
    return preparedQuery<T>(
      manager,
      `WITH written AS (${statement}),
            audited AS (INSERT INTO audit_events (${COLUMNS}) VALUES (${placeholders(params.length + 1)}))
       SELECT * FROM written`,
      [...params, ...values(row)],
    );
  }

  /**
   * Audited writes in one SQL statement, each with one event per row it returns (object id, patient id and some
   * details taken from the row's columns), so one round trip and atomic without a transaction; resolves to the rows
   * of the first. Like appendWith's, the statements must be fixed texts (values go in params); see perRowCtes for how
   * their parameters are numbered.
   */
  async appendPerRowAll<T>(manager: EntityManager, writes: readonly PerRowWrite[]): Promise<T[]> {
    const { ctes, params } = perRowCtes(writes);
    return preparedQuery<T>(manager, `WITH ${ctes}\n       SELECT * FROM written0`, params);
  }

  /**
   * As appendPerRowAll, resolving to the rows of each write in turn; every statement must return the same columns.
   */
  async appendPerRowEach<T>(manager: EntityManager, writes: readonly PerRowWrite[]): Promise<T[][]> {
    const { ctes, params } = perRowCtes(writes);
    const selects = writes.map((_, k) => `SELECT ${k} AS "writeIndex", w.* FROM written${k} w`);
    const rows = await preparedQuery<T & { writeIndex: number }>(
      manager,
      `WITH ${ctes}\n       ${selects.join(' UNION ALL ')}`,
      params,
    );
    const each = writes.map((): T[] => []);
    for (const { writeIndex, ...row } of rows) each[writeIndex]!.push(row as T);
    return each;
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

  /**
   * Links events committed since the last run into the hash chain, oldest id first, in batches; resolves to how many.
   * With `wait` false it returns 0 at once when another process is sealing.
   */
  async sealPending(wait: boolean): Promise<number> {
    let sealed = 0;
    for (;;) {
      const [{ n }]: { n: number }[] = await this.dataSource.query('SELECT audit_seal($1, $2) AS n', [
        SEAL_BATCH,
        wait,
      ]);
      sealed += n;
      if (n < SEAL_BATCH) return sealed;
    }
  }

  /**
   * Removes the oldest sealed events that occurred before `cutoff` (at most `maxEvents` per call; the database function
   * refuses a cutoff less than 183 days ago) and records the anchor verification then starts from, with an
   * 'audit.retention' event. Resolves to how many events went.
   */
  async prune(cutoff: Date, maxEvents: number): Promise<number> {
    const [{ n }]: { n: number }[] = await this.dataSource.query('SELECT audit_prune($1, $2) AS n', [
      cutoff,
      maxEvents,
    ]);
    return n;
  }

  private async latestAnchor(): Promise<AnchorRow | undefined> {
    const [anchor]: AnchorRow[] = await this.dataSource.query(
      'SELECT through_seq, hash, event_id FROM audit_chain_anchors ORDER BY through_seq DESC LIMIT 1',
    );
    return anchor;
  }

  /**
   * An anchor must be what audit_prune left: corroborated by the chained retention event it names, and with no link at
   * or before it still present (an anchor put in by hand to skip links that still exist is a break).
   */
  private async anchorProblem(anchor: AnchorRow): Promise<string | null> {
    const [row]: { corroborated: boolean; skipped: boolean }[] = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM audit_events e JOIN audit_chain c ON c.event_id = e.id
                       WHERE e.id = $1 AND e.action = 'audit.retention' AND c.seq > $2::bigint
                         AND e.details->>'throughSeq' = $3::text AND e.details->>'anchorHash' = $4::text) AS corroborated,
              EXISTS (SELECT 1 FROM audit_chain WHERE seq <= $2::bigint) AS skipped`,
      [anchor.event_id, anchor.through_seq, anchor.through_seq, anchor.hash],
    );
    if (!row!.corroborated) return 'the retention anchor is not recorded by its chained audit.retention event';
    if (row!.skipped) return 'the retention anchor skips links that are still present';
    return null;
  }

  /**
   * Seals what has committed, then recomputes every link with the same SQL function the sealer used: each event is
   * present, its content matches its hash, each link names its predecessor's hash and no link is missing. Finally no
   * event may be outside the chain but its work list.
   */
  async verifyChain(): Promise<ChainVerification> {
    await this.sealPending(true);
    const anchor = await this.latestAnchor();
    // After retention removed the oldest links, the chain starts from the last removed link's recorded hash.
    let afterSeq = anchor ? BigInt(anchor.through_seq) : 0n;
    let previousHash = anchor?.hash ?? 'genesis';
    let checked = 0;
    const broken = (brokenAt: string, reason: string): ChainVerification => ({
      valid: false,
      checked,
      pending: 0,
      brokenAt,
      reason,
    });
    for (;;) {
      const rows: ChainRow[] = await this.dataSource.query(
        `SELECT c.seq, c.event_id, c.prev_hash, c.hash, e.id IS NULL AS missing, audit_event_digest(e, c.prev_hash) AS expected
           FROM audit_chain c LEFT JOIN audit_events e ON e.id = c.event_id
          WHERE c.seq > $1 ORDER BY c.seq LIMIT $2`,
        [afterSeq.toString(), VERIFY_BATCH],
      );
      for (const row of rows) {
        if (BigInt(row.seq) !== afterSeq + 1n)
          return broken(row.event_id, 'a link of the chain before this event was removed');
        if (row.missing) return broken(row.event_id, 'the event was removed after it was sealed');
        if (row.prev_hash !== previousHash) return broken(row.event_id, 'link to the previous event does not match');
        if (row.hash !== row.expected) return broken(row.event_id, 'content does not match its hash');
        previousHash = row.hash;
        afterSeq = BigInt(row.seq);
        checked += 1;
      }
      if (rows.length < VERIFY_BATCH) break;
    }
    const [outside]: { id: string | null; queued_without_event: string | null; pending: number }[] =
      await this.dataSource.query(
        `SELECT (SELECT e.id FROM audit_events e
                  WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)
                    AND NOT EXISTS (SELECT 1 FROM audit_unsealed u WHERE u.event_id = e.id)
                  ORDER BY e.id LIMIT 1) AS id,
                (SELECT u.event_id FROM audit_unsealed u
                  WHERE NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.id = u.event_id)
                  ORDER BY u.event_id LIMIT 1) AS queued_without_event,
                (SELECT count(*)::int FROM audit_unsealed) AS pending`,
      );
    if (anchor) {
      const problem = await this.anchorProblem(anchor);
      if (problem) return broken(anchor.event_id, problem);
    }
    if (outside!.id) return broken(outside!.id, 'the event was never sealed into the chain');
    if (outside!.queued_without_event) {
      return broken(outside!.queued_without_event, 'the event was removed before it was sealed');
    }
    return { valid: true, checked, pending: outside!.pending };
  }
}

interface AnchorRow {
  through_seq: string;
  hash: string;
  event_id: string;
}

interface ChainRow {
  seq: string;
  event_id: string;
  prev_hash: string;
  hash: string;
  missing: boolean;
  expected: string | null;
}
