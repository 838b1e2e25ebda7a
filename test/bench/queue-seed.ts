/**
 * Fills a centre's reading queue straight in the hub's PostgreSQL: a million requests through the API would take longer
 * than the whole benchmark. Each seeded task is a copy of one the API made (patient, identifier, study, study file,
 * reading request, task, snapshotted right after the API created them, before anyone could claim that task), with what
 * differs per row filled in the way the API fills it: new ids, the patient's local id, the priority mix, referrals,
 * request and queue times, due time = queued + the centre's SLA minutes for the priority, priority_rank and
 * referral_rank as the service computes them. Every other column (state 'queued', fencing_token 0, no holder, exam code,
 * the study file's object key, which the content-addressed store shares between identical files) is the API's value.
 * The SLA flags are what the minute sweep (SlaSweep) would have set on a task of that age: left unset on a backlog
 * spread over a day, the first sweep flags hundreds of thousands of rows in one transaction while the readers claim.
 * Not seeded: the audit events the API writes for each upload and request (the claim path never reads them).
 */
import type pg from 'pg';

/** Due time as ReadingRequests.create computes it: queued + the centre's SLA minutes for the priority. */
const DUE_AT = `(s.requested_at + make_interval(mins => CASE s.priority WHEN 'stat' THEN c.sla_stat_minutes
                 WHEN 'urgent' THEN c.sla_urgent_minutes ELSE c.sla_routine_minutes END))`;
/** When coordinators are warned: SLA_WARNING_FRACTION (libs/reading/src/domain/sla.ts) of the time to due. */
const WARN_AT = `(s.requested_at + (${DUE_AT} - s.requested_at) * 0.8)`;

/** The tables in foreign-key order, each with the columns that differ per seeded row (SQL over `s`, the seed row). */
const PER_ROW: { table: string; key: string; columns: Record<string, string> }[] = [
  {
    table: 'patients',
    key: 'id',
    columns: { id: 's.patient_id', created_at: 's.performed_at', updated_at: 's.performed_at' },
  },
  {
    table: 'patient_identifiers',
    key: 'patient_id',
    columns: { patient_id: 's.patient_id', local_id: 's.local_id', created_at: 's.performed_at' },
  },
  {
    table: 'studies',
    key: 'id',
    columns: {
      id: 's.study_id',
      patient_id: 's.patient_id',
      patient_local_id: 's.local_id',
      performed_at: 's.performed_at',
      // As the upload service does: the calendar day in China.
      study_date: "(s.performed_at AT TIME ZONE 'Asia/Shanghai')::date",
      created_at: 's.performed_at',
      updated_at: 's.performed_at',
    },
  },
  {
    table: 'study_files',
    key: 'study_id',
    columns: { id: 'gen_random_uuid()', study_id: 's.study_id', created_at: 's.performed_at' },
  },
  {
    table: 'reading_requests',
    key: 'id',
    columns: {
      id: 's.request_id',
      study_id: 's.study_id',
      patient_id: 's.patient_id',
      priority: 's.priority',
      referral: 's.referral',
      created_at: 's.requested_at',
    },
  },
  {
    table: 'reading_tasks',
    key: 'id',
    columns: {
      id: 's.task_id',
      request_id: 's.request_id',
      priority_rank: "(array_position(ARRAY['stat', 'urgent', 'routine'], s.priority) - 1)::smallint",
      referral_rank: '(CASE WHEN s.referral THEN 0 ELSE 1 END)::smallint',
      queued_at: 's.requested_at',
      due_at: DUE_AT,
      // What the minute SLA sweep has set by now on a task this old: warned at 80% of its time, breached once due.
      sla_warned_at: `CASE WHEN ${WARN_AT} <= now() THEN ${WARN_AT} END`,
      sla_breached_at: `CASE WHEN ${DUE_AT} < now() THEN ${DUE_AT} END`,
      created_at: 's.requested_at',
      updated_at: 's.requested_at',
    },
  },
];

export interface QueueTemplate {
  centreId: string;
  taskId: string;
}

/** Adds queued tasks to one centre, copies of the template the API made. */
export class QueueSeeder {
  private next = 1;

  private constructor(
    private readonly db: pg.Client,
    private readonly centreId: string,
    /** One INSERT … SELECT per table, with its template row as $1. */
    private readonly inserts: { sql: string; template: unknown }[],
  ) {}

  /** Snapshots the template's rows (one row per table) while its task is still queued. */
  static async create(db: pg.Client, template: QueueTemplate): Promise<QueueSeeder> {
    const [ids] = (
      await db.query<{ patient_id: string; study_id: string; request_id: string; task_id: string }>(
        `SELECT r.patient_id, r.study_id, r.id AS request_id, t.id AS task_id
           FROM reading_tasks t JOIN reading_requests r ON r.id = t.request_id
          WHERE t.id = $1 AND t.state = 'queued' AND t.fencing_token = 0`,
        [template.taskId],
      )
    ).rows;
    if (!ids) throw new Error('the template task is gone or no longer queued');
    const keyOf: Record<string, string> = {
      patients: ids.patient_id,
      patient_identifiers: ids.patient_id,
      studies: ids.study_id,
      study_files: ids.study_id,
      reading_requests: ids.request_id,
      reading_tasks: ids.task_id,
    };
    const inserts: { sql: string; template: unknown }[] = [];
    for (const { table, key, columns } of PER_ROW) {
      const rows = (await db.query(`SELECT to_jsonb(x) AS row FROM ${table} x WHERE ${key} = $1`, [keyOf[table]]))
        .rows as { row: unknown }[];
      if (rows.length !== 1) throw new Error(`expected one ${table} row of the template, found ${rows.length}`);
      const names = (
        await db.query<{ column_name: string }>(
          `SELECT column_name FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = $1 AND is_generated = 'NEVER'
            ORDER BY ordinal_position`,
          [table],
        )
      ).rows.map((r) => r.column_name);
      const values = names.map((n) => columns[n] ?? `tpl.${n}`);
      inserts.push({
        sql: `INSERT INTO ${table} (${names.join(', ')})
              SELECT ${values.join(', ')}
                FROM queue_seed s, jsonb_populate_record(NULL::${table}, $1::jsonb) tpl, centres c
               WHERE c.id = '${template.centreId}'`,
        template: rows[0]!.row,
      });
    }
    return new QueueSeeder(db, template.centreId, inserts);
  }

  /** Tasks of the centre waiting in its read queue. */
  async depth(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM reading_tasks WHERE centre_id = $1 AND state = 'queued'`,
      [this.centreId],
    );
    return rows[0]!.n;
  }

  /**
   * Adds `count` queued tasks in one transaction. `spreadHours` > 0 spreads the request times over that many past hours
   * (a backlog); 0 makes them arrive now. Priorities: 5% STAT, 20% urgent, 75% routine; 10% referrals.
   */
  async add(count: number, spreadHours: number): Promise<void> {
    if (count <= 0) return;
    const first = this.next;
    this.next += count;
    await this.db.query('BEGIN');
    try {
      await this.db.query(
        `CREATE TEMP TABLE queue_seed (patient_id uuid, study_id uuid, request_id uuid, task_id uuid, local_id text,
           priority text, referral boolean, requested_at timestamptz, performed_at timestamptz) ON COMMIT DROP`,
      );
      await this.db.query(
        `INSERT INTO queue_seed
         SELECT gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'QB-' || g,
                CASE WHEN x < 0.05 THEN 'stat' WHEN x < 0.25 THEN 'urgent' ELSE 'routine' END,
                random() < 0.1, requested_at, requested_at - interval '20 minutes'
           FROM (SELECT g, random() AS x, now() - random() * make_interval(hours => $3) AS requested_at
                   FROM generate_series($1::bigint, $2::bigint) g) q`,
        [first, first + count - 1, spreadHours],
      );
      for (const { sql, template } of this.inserts) await this.db.query(sql, [template]);
      await this.db.query('COMMIT');
    } catch (err) {
      await this.db.query('ROLLBACK');
      throw err;
    }
  }
}
