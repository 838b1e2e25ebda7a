/**
 * Fills a consortium with patients and signed, recognisable results straight in the hub's PostgreSQL: a million signed
 * reports through the API would take hours. Every seeded row is a copy of one the API made (the template: an ECG the
 * clinic uploaded, requested, and the centre claimed, drafted and signed, which made its recognisable_results row in
 * the signing transaction), with what differs per row filled in the way the services fill it. One result is one
 * study, reading request, task (state 'signed') and signed report, as in the real flow.
 *
 * Per row: ids; the patient (skewed: a few chronic patients have many results, most have a few); the item, from the
 * default catalogue with a realistic mix; the performing institution, one where the patient is registered (CT and
 * MR only at the lead hospital); the centre of the item's discipline; the requesting technician of that institution;
 * when it was performed (over the past two years, denser recently, so many are expired) and signed; 0.3% withdrawn.
 * Not seeded: study files, report versions, the addenda behind the withdrawals and the audit events the API writes
 * (a look-up reads none of them).
 *
 * Each step is one transaction loaded with triggers off (session_replication_role = replica: the foreign keys' per-row
 * checks took most of the time), after checking that no other trigger fires on insert into these tables; every
 * foreign key of the tables is then checked set-wise before the commit, and the CHECK, NOT NULL and unique constraints
 * hold as always.
 */
import type pg from 'pg';

/** The mix of results, and of look-ups, over the default catalogue's items (relative weights). */
export const ITEM_MIX: readonly { code: string; discipline: 'lab' | 'imaging' | 'ecg'; weight: number }[] = [
  { code: 'LAB-CBC', discipline: 'lab', weight: 18 },
  { code: 'ECG-12', discipline: 'ecg', weight: 10 },
  { code: 'LAB-UA', discipline: 'lab', weight: 8 },
  { code: 'LAB-BMP', discipline: 'lab', weight: 8 },
  { code: 'LAB-LFT', discipline: 'lab', weight: 8 },
  { code: 'DR-CHEST', discipline: 'imaging', weight: 8 },
  { code: 'LAB-RFT', discipline: 'lab', weight: 6 },
  { code: 'LAB-LIPID', discipline: 'lab', weight: 6 },
  { code: 'US-ABD', discipline: 'imaging', weight: 6 },
  { code: 'CT-CHEST', discipline: 'imaging', weight: 5 },
  { code: 'LAB-HBA1C', discipline: 'lab', weight: 4 },
  { code: 'LAB-COAG', discipline: 'lab', weight: 4 },
  { code: 'CT-HEAD', discipline: 'imaging', weight: 4 },
  { code: 'LAB-HBV', discipline: 'lab', weight: 3 },
  { code: 'MR-HEAD', discipline: 'imaging', weight: 1.5 },
  { code: 'MR-LSPINE', discipline: 'imaging', weight: 1.5 },
];

/** Items only the lead hospital performs. */
const LEAD_ONLY = /^(CT|MR)-/;

export interface SeedInstitution {
  id: string;
  /** Prefix of the patients' local ids there. */
  code: string;
  /** The technician who requests its readings. */
  technicianId: string;
}

export interface RecognitionSeedTenant {
  /** The looking-up doctor's clinic: every patient is registered there. */
  home: SeedInstitution;
  /** The lead hospital: every patient is registered there too. */
  lead: SeedInstitution;
  /** Other clinics: half the patients are also registered at one of them. */
  others: SeedInstitution[];
  centreIds: Record<'lab' | 'imaging' | 'ecg', string>;
  /** The template's report, made by the API. */
  templateReportId: string;
}

/** Columns that differ per row, as SQL over `s` (the seed row); every other column is the template's value. */
const PATIENT_ROWS: Record<string, Record<string, string>> = {
  patients: { id: 's.patient_id', created_at: 's.registered_at', updated_at: 's.registered_at' },
  patient_identifiers: {
    institution_id: 'i.id',
    local_id: "i.code || '-' || lpad(s.n::text, 6, '0')",
    patient_id: 's.patient_id',
    created_at: 's.registered_at',
  },
};

const RESULT_ROWS: Record<string, Record<string, string>> = {
  studies: {
    id: 's.study_id',
    institution_id: 's.institution_id',
    patient_id: 's.patient_id',
    discipline: 's.discipline',
    // Imaging arrives as DICOM (with its Study Instance UID); ECGs and lab results as uploads.
    study_instance_uid: "CASE WHEN s.discipline = 'imaging' THEN '1.2.826.0.1.3680043.8.498.7.' || s.g END",
    accession_number: "'RB' || s.g",
    // As the upload service does: the calendar day in China.
    study_date: "(s.performed_at AT TIME ZONE 'Asia/Shanghai')::date",
    patient_local_id: 's.local_id',
    exam_code: 's.item_code',
    performed_at: 's.performed_at',
    created_at: "s.performed_at + interval '5 minutes'",
    updated_at: "s.performed_at + interval '5 minutes'",
  },
  reading_requests: {
    id: 's.request_id',
    requesting_institution_id: 's.institution_id',
    requested_by_user_id: 's.technician_id',
    study_id: 's.study_id',
    patient_id: 's.patient_id',
    discipline: 's.discipline',
    exam_code: 's.item_code',
    created_at: "s.performed_at + interval '10 minutes'",
  },
  reading_tasks: {
    id: 's.task_id',
    request_id: 's.request_id',
    centre_id: 's.centre_id',
    discipline: 's.discipline',
    queued_at: "s.performed_at + interval '10 minutes'",
    // The template's SLA for its priority.
    due_at: "s.performed_at + interval '10 minutes' + (tpl.due_at - tpl.queued_at)",
    first_claimed_at: "s.signed_at - interval '4 minutes'",
    signed_at: 's.signed_at',
    created_at: "s.performed_at + interval '10 minutes'",
    updated_at: 's.signed_at',
  },
  reports: {
    id: 's.report_id',
    task_id: 's.task_id',
    signed_at: 's.signed_at',
    created_at: "s.signed_at - interval '3 minutes'",
    updated_at: 's.signed_at',
  },
  recognisable_results: {
    id: 'gen_random_uuid()',
    patient_id: 's.patient_id',
    study_id: 's.study_id',
    report_id: 's.report_id',
    item_code: 's.item_code',
    discipline: 's.discipline',
    performing_institution_id: 's.institution_id',
    performed_at: 's.performed_at',
    signed_at: 's.signed_at',
    withdrawn_at: "CASE WHEN s.withdrawn THEN s.signed_at + interval '3 days' END",
    withdrawn_reason: "CASE WHEN s.withdrawn THEN 'addendum 1 corrects the result' END",
    created_at: 's.signed_at',
  },
};

interface Insert {
  table: string;
  sql: string;
  template: unknown;
}

/** Adds patients and results to one consortium, copies of the template the API made. */
export class RecognitionSeeder {
  private patients = 0;
  private nextRow = 1;

  private constructor(
    private readonly db: pg.Client,
    readonly consortiumId: string,
    private readonly patientInserts: Insert[],
    private readonly resultInserts: Insert[],
  ) {}

  /**
   * Fails if a trigger other than the foreign keys' own would fire on inserting into the tables: the seeder loads
   * with triggers off (session_replication_role = replica), which would skip it.
   */
  private static async assertNoInsertTriggers(db: pg.Client, tables: string[]): Promise<void> {
    const { rows } = await db.query<{ trigger: string }>(
      `SELECT tgrelid::regclass::text || '.' || tgname AS trigger FROM pg_trigger
        WHERE NOT tgisinternal AND tgrelid = ANY($1::regclass[]) AND (tgtype & 4) <> 0`,
      [tables],
    );
    if (rows.length) throw new Error(`the seeder would skip insert triggers: ${rows.map((r) => r.trigger).join(', ')}`);
  }

  /**
   * Every foreign key of the tables, checked set-wise over the whole table (one anti-join each): the per-row checks
   * were skipped while loading. Throws naming the key and how many rows break it.
   */
  private async verifyForeignKeys(tables: string[]): Promise<void> {
    const { rows } = await this.db.query<{
      name: string;
      child: string;
      parent: string;
      cols: string[];
      pcols: string[];
    }>(
      `SELECT c.conname AS name, c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent,
              (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(num, ord)
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num) AS cols,
              (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY k(num, ord)
                 JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num) AS pcols
         FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid = ANY($1::regclass[])`,
      [tables],
    );
    for (const fk of rows) {
      const { rows: broken } = await this.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${fk.child} c
          WHERE ${fk.cols.map((col) => `c.${col} IS NOT NULL`).join(' AND ')}
            AND NOT EXISTS (SELECT 1 FROM ${fk.parent} p
                             WHERE ${fk.cols.map((col, k) => `p.${fk.pcols[k]} = c.${col}`).join(' AND ')})`,
      );
      if (broken[0]!.n > 0) throw new Error(`${broken[0]!.n} rows of ${fk.child} break foreign key ${fk.name}`);
    }
  }

  /** Snapshots the template's rows and sets up this session's helper tables (temporary, never in the hub's schema). */
  static async create(db: pg.Client, tenant: RecognitionSeedTenant): Promise<RecognitionSeeder> {
    const [ids] = (
      await db.query<Record<string, string>>(
        `SELECT r.consortium_id, r.patient_id, r.study_id, q.id AS request_id, t.id AS task_id, rep.id AS report_id,
                r.id AS result_id
           FROM recognisable_results r
           JOIN reports rep ON rep.id = r.report_id AND rep.status = 'signed'
           JOIN reading_tasks t ON t.id = rep.task_id AND t.state = 'signed'
           JOIN reading_requests q ON q.id = t.request_id
          WHERE r.report_id = $1`,
        [tenant.templateReportId],
      )
    ).rows;
    if (!ids) throw new Error('the template report has no signed task and recognisable result');
    const keyOf: Record<string, [string, string]> = {
      patients: ['id', ids.patient_id!],
      patient_identifiers: ['patient_id', ids.patient_id!],
      studies: ['id', ids.study_id!],
      reading_requests: ['id', ids.request_id!],
      reading_tasks: ['id', ids.task_id!],
      reports: ['id', ids.report_id!],
      recognisable_results: ['id', ids.result_id!],
    };
    const build = async (table: string, columns: Record<string, string>, from: string): Promise<Insert> => {
      const [key, value] = keyOf[table]!;
      const rows = (await db.query(`SELECT to_jsonb(x) AS row FROM ${table} x WHERE ${key} = $1`, [value])).rows as {
        row: Record<string, unknown>;
      }[];
      if (rows.length !== 1) throw new Error(`expected one ${table} row of the template, found ${rows.length}`);
      const described = (
        await db.query<{ column_name: string; data_type: string }>(
          `SELECT column_name, data_type FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = $1 AND is_generated = 'NEVER'
            ORDER BY ordinal_position`,
          [table],
        )
      ).rows;
      // A time of the template copied as it is would put every seeded row at the template's moment.
      const stale = described.filter(
        (c) =>
          c.data_type.startsWith('timestamp') && !(c.column_name in columns) && rows[0]!.row[c.column_name] !== null,
      );
      if (stale.length) {
        throw new Error(
          `the seeder does not know how to time ${stale.map((c) => `${table}.${c.column_name}`).join(', ')}`,
        );
      }
      const names = described.map((c) => c.column_name);
      const unknown = Object.keys(columns).filter((c) => !names.includes(c));
      if (unknown.length) throw new Error(`${table} has no column ${unknown.join(', ')}`);
      return {
        table,
        sql: `INSERT INTO ${table} (${names.join(', ')})
              SELECT ${names.map((n) => columns[n] ?? `tpl.${n}`).join(', ')}
                FROM ${from}, jsonb_populate_record(NULL::${table}, $1::jsonb) tpl`,
        template: rows[0]!.row,
      };
    };
    const patientInserts = [
      await build('patients', PATIENT_ROWS.patients!, 'rb_new_patients s'),
      await build(
        'patient_identifiers',
        PATIENT_ROWS.patient_identifiers!,
        'rb_new_patients s CROSS JOIN LATERAL unnest(s.institution_ids) AS reg(id) JOIN rb_institutions i ON i.id = reg.id',
      ),
    ];
    const resultInserts: Insert[] = [];
    for (const [table, columns] of Object.entries(RESULT_ROWS)) {
      resultInserts.push(await build(table, columns, 'rb_seed s'));
    }
    await RecognitionSeeder.assertNoInsertTriggers(db, [...Object.keys(PATIENT_ROWS), ...Object.keys(RESULT_ROWS)]);

    // This session's helper tables: the institutions, the centres, the item mix as ranges of [0, 1), the patients.
    await db.query(`CREATE TEMP TABLE rb_institutions (id uuid PRIMARY KEY, code text, technician_id uuid)`);
    for (const i of [tenant.home, tenant.lead, ...tenant.others]) {
      await db.query('INSERT INTO rb_institutions VALUES ($1, $2, $3)', [i.id, i.code, i.technicianId]);
    }
    await db.query(`CREATE TEMP TABLE rb_centres (discipline text PRIMARY KEY, centre_id uuid)`);
    for (const [discipline, id] of Object.entries(tenant.centreIds)) {
      await db.query('INSERT INTO rb_centres VALUES ($1, $2)', [discipline, id]);
    }
    await db.query(`CREATE TEMP TABLE rb_items (code text, discipline text, lo float8, hi float8, lead_only boolean)`);
    const total = ITEM_MIX.reduce((sum, i) => sum + i.weight, 0);
    let lo = 0;
    for (const [k, item] of ITEM_MIX.entries()) {
      const hi = k === ITEM_MIX.length - 1 ? 2 : lo + item.weight / total;
      await db.query('INSERT INTO rb_items VALUES ($1, $2, $3, $4, $5)', [
        item.code,
        item.discipline,
        lo,
        hi,
        LEAD_ONLY.test(item.code),
      ]);
      lo = hi;
    }
    await db.query(`CREATE TEMP TABLE rb_patients (n int PRIMARY KEY, patient_id uuid, institution_ids uuid[])`);
    await db.query(`CREATE TEMP TABLE rb_place (home uuid, lead uuid, others uuid[])`);
    await db.query('INSERT INTO rb_place VALUES ($1, $2, $3)', [
      tenant.home.id,
      tenant.lead.id,
      tenant.others.map((o) => o.id),
    ]);
    return new RecognitionSeeder(db, ids.consortium_id!, patientInserts, resultInserts);
  }

  /** Recognisable results of the consortium. */
  async results(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM recognisable_results WHERE consortium_id = $1',
      [this.consortiumId],
    );
    return rows[0]!.n;
  }

  /**
   * Registers `count` patients, in one transaction: each at the home clinic and the lead hospital, half of them also
   * at one of the other clinics (the consortium-wide patient index links the local ids to one patient).
   */
  async addPatients(count: number): Promise<void> {
    const first = this.patients + 1;
    await this.transaction(Object.keys(PATIENT_ROWS), async () => {
      await this.db.query(
        `CREATE TEMP TABLE rb_new_patients ON COMMIT DROP AS
         SELECT g AS n, gen_random_uuid() AS patient_id,
                CASE WHEN x < 0.5 THEN ARRAY[p.home, p.lead]
                     ELSE ARRAY[p.home, p.lead, p.others[1 + floor(y * cardinality(p.others))::int]] END
                  AS institution_ids,
                now() - interval '3 years' * z AS registered_at
           FROM (SELECT g, random() AS x, random() AS y, random() AS z
                   FROM generate_series($1::int, $2::int) g) q, rb_place p`,
        [first, first + count - 1],
      );
      await this.db.query('INSERT INTO rb_patients SELECT n, patient_id, institution_ids FROM rb_new_patients');
      await this.db.query('ANALYZE rb_patients');
      for (const { sql, template } of this.patientInserts) await this.db.query(sql, [template]);
    });
    this.patients += count;
  }

  /** Adds `count` signed, recognisable results over the seeded patients, in one transaction. */
  async addResults(count: number): Promise<void> {
    if (count <= 0) return;
    if (this.patients === 0) throw new Error('add patients first');
    const first = this.nextRow;
    this.nextRow += count;
    await this.transaction(Object.keys(RESULT_ROWS), async () => {
      const t0 = performance.now();
      // Patient n = 1 + floor(N · u^1.5): skewed towards low n. Performed u² · 730 days ago: denser recently.
      await this.db.query(
        `CREATE TEMP TABLE rb_seed ON COMMIT DROP AS
         SELECT q.g, p.patient_id, p.n, it.code AS item_code, it.discipline, i.id AS institution_id,
                i.code || '-' || lpad(p.n::text, 6, '0') AS local_id, i.technician_id, c.centre_id,
                q.performed_at, q.performed_at + q.sign_delay AS signed_at, q.withdrawn,
                gen_random_uuid() AS study_id, gen_random_uuid() AS request_id, gen_random_uuid() AS task_id,
                gen_random_uuid() AS report_id
           FROM (SELECT g, least($3::int, 1 + floor($3::int * power(random(), 1.5))::int) AS n,
                        random() AS x_item, random() AS x_place,
                        date_trunc('second', now() - interval '730 days' * power(random(), 2)) AS performed_at,
                        interval '20 minutes' + interval '24 hours' * random() AS sign_delay,
                        random() < 0.003 AS withdrawn
                   FROM generate_series($1::bigint, $2::bigint) g) q
           JOIN rb_patients p ON p.n = q.n
           JOIN rb_items it ON q.x_item >= it.lo AND q.x_item < it.hi
           JOIN rb_place pl ON true
           JOIN rb_institutions i
             ON i.id = CASE WHEN it.lead_only THEN pl.lead
                            ELSE p.institution_ids[1 + floor(q.x_place * cardinality(p.institution_ids))::int] END
           JOIN rb_centres c ON c.discipline = it.discipline`,
        [first, first + count - 1, this.patients],
      );
      if (process.env.RECOGNITION_BENCH_VERBOSE) {
        console.log(`recognition seed: ${count} seed rows in ${Math.round(performance.now() - t0)} ms`);
      }
      for (const { table, sql, template } of this.resultInserts) {
        const t0 = performance.now();
        await this.db.query(sql, [template]);
        if (process.env.RECOGNITION_BENCH_VERBOSE) {
          console.log(`recognition seed: ${count} ${table} in ${Math.round(performance.now() - t0)} ms`);
        }
      }
    });
  }

  /**
   * Runs `work` in one transaction with triggers off, so the foreign keys are not checked row by row (that took most
   * of the time), then checks them all set-wise before committing.
   */
  private async transaction(tables: string[], work: () => Promise<void>): Promise<void> {
    await this.db.query('BEGIN');
    try {
      await this.db.query('SET LOCAL session_replication_role = replica');
      await work();
      const t0 = performance.now();
      await this.db.query('SET LOCAL session_replication_role = origin');
      await this.verifyForeignKeys(tables);
      if (process.env.RECOGNITION_BENCH_VERBOSE) {
        console.log(
          `recognition seed: foreign keys of ${tables.join(', ')} checked in ${Math.round(performance.now() - t0)} ms`,
        );
      }
      await this.db.query('COMMIT');
    } catch (err) {
      await this.db.query('ROLLBACK');
      throw err;
    }
  }
}
