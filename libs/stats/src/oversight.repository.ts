import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ClinicOversightRow, OversightDay } from '@hub/contracts';
import type { Discipline } from '@hub/core';
import type { DayWindow } from './domain/oversight-window.js';

export interface CentreFigures {
  centreId: string;
  name: string;
  discipline: Discipline;
  hostId: string;
  hostName: string;
  slaStat: number;
  slaUrgent: number;
  slaRoutine: number;
  stat: number;
  urgent: number;
  routine: number;
  total: number;
  overdue: number;
  requested: number;
  signed: number;
  signedWithinSla: number;
  breached: number;
  returned: number;
  p50: number | null;
  p90: number | null;
}

/** The repository's rows are the wire rows without the shares (the service works them out). */
export type ClinicFigures = Omit<ClinicOversightRow, 'recognitionRate'>;

export type DayFigures = Omit<OversightDay, 'turnaroundP50Minutes'> & { p50: number | null };

/**
 * The window as instants: from 00:00 China time of $2 to 00:00 of the day after $3; $4 is "now" for queue depths and
 * overdue tasks. Every statement below takes $1 = the consortium.
 */
const WINDOW = `w AS (
  SELECT ($2::date)::timestamp AT TIME ZONE 'Asia/Shanghai' AS lo,
         ($3::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' AS hi,
         $4::timestamptz AS at)`;
const IN_WINDOW = (column: string) => `(${column} >= w.lo AND ${column} < w.hi)`;
const CHINA_DATE = (column: string) => `(${column} AT TIME ZONE 'Asia/Shanghai')::date`;
const MINUTES_TO_SIGN = `extract(epoch FROM t.signed_at - r.created_at) / 60`;
const OPEN = `t.state NOT IN ('signed', 'cancelled', 'returned')`;

/** The consortium's tasks that count for a centre now (open) or in the window, each with where it stands. */
const CENTRES = `
  WITH ${WINDOW},
  t AS (
    SELECT t.centre_id, t.priority_rank, t.due_at, t.signed_at, ${MINUTES_TO_SIGN} AS minutes,
           ${OPEN} AS open,
           ${IN_WINDOW('r.created_at')} AS requested_in,
           coalesce(${IN_WINDOW('t.signed_at')}, false) AS signed_in,
           coalesce(${IN_WINDOW('t.returned_at')}, false) AS returned_in,
           ${IN_WINDOW('t.due_at')} AS due_in
      FROM w, reading_tasks t JOIN reading_requests r ON r.id = t.request_id
     WHERE r.consortium_id = $1
       AND (${OPEN} OR ${IN_WINDOW('r.created_at')} OR ${IN_WINDOW('t.signed_at')} OR ${IN_WINDOW('t.returned_at')})),
  per_centre AS (
    SELECT t.centre_id,
           count(*) FILTER (WHERE open AND priority_rank = 0)::int AS stat,
           count(*) FILTER (WHERE open AND priority_rank = 1)::int AS urgent,
           count(*) FILTER (WHERE open AND priority_rank = 2)::int AS routine,
           count(*) FILTER (WHERE open)::int AS total,
           count(*) FILTER (WHERE open AND due_at < w.at)::int AS overdue,
           count(*) FILTER (WHERE requested_in)::int AS requested,
           count(*) FILTER (WHERE signed_in)::int AS signed,
           count(*) FILTER (WHERE signed_in AND signed_at <= due_at)::int AS "signedWithinSla",
           count(*) FILTER (WHERE (signed_in AND signed_at > due_at) OR (open AND due_in AND due_at < w.at))::int
             AS breached,
           count(*) FILTER (WHERE returned_in)::int AS returned,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes) FILTER (WHERE signed_in) AS p50,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY minutes) FILTER (WHERE signed_in) AS p90
      FROM t, w
     GROUP BY t.centre_id)
  SELECT c.id AS "centreId", c.name, c.discipline, h.id AS "hostId", h.name AS "hostName",
         c.sla_stat_minutes AS "slaStat", c.sla_urgent_minutes AS "slaUrgent", c.sla_routine_minutes AS "slaRoutine",
         coalesce(p.stat, 0) AS stat, coalesce(p.urgent, 0) AS urgent, coalesce(p.routine, 0) AS routine,
         coalesce(p.total, 0) AS total, coalesce(p.overdue, 0) AS overdue, coalesce(p.requested, 0) AS requested,
         coalesce(p.signed, 0) AS signed, coalesce(p."signedWithinSla", 0) AS "signedWithinSla",
         coalesce(p.breached, 0) AS breached, coalesce(p.returned, 0) AS returned, p.p50, p.p90
    FROM centres c JOIN institutions h ON h.id = c.host_institution_id
    LEFT JOIN per_centre p ON p.centre_id = c.id
   WHERE c.consortium_id = $1
   ORDER BY array_position(ARRAY['imaging', 'ecg', 'lab', 'pathology'], c.discipline), c.name, c.id`;

const CLINICS = `
  WITH ${WINDOW}
  SELECT i.id AS "institutionId", i.name, i.level,
         (SELECT count(*) FROM studies s
           WHERE s.institution_id = i.id AND s.consortium_id = $1 AND ${IN_WINDOW('s.created_at')})::int AS studies,
         (SELECT count(*) FROM reading_requests r
           WHERE r.requesting_institution_id = i.id AND r.consortium_id = $1 AND ${IN_WINDOW('r.created_at')})::int
           AS requests,
         (SELECT count(*) FROM reading_requests r JOIN reading_tasks t ON t.request_id = r.id
           WHERE r.requesting_institution_id = i.id AND r.consortium_id = $1 AND ${IN_WINDOW('t.signed_at')})::int
           AS "signedReports",
         (SELECT count(*) FROM recognition_lookups l
           WHERE l.institution_id = i.id AND l.consortium_id = $1 AND ${IN_WINDOW('l.created_at')})::int AS lookups,
         d.decisions, d.recognised
    FROM w, institutions i
   CROSS JOIN LATERAL (
     SELECT count(*)::int AS decisions, count(*) FILTER (WHERE d.decision = 'recognised')::int AS recognised
       FROM recognition_decisions d
      WHERE d.institution_id = i.id AND d.consortium_id = $1 AND ${IN_WINDOW('d.created_at')}) d
   WHERE i.consortium_id = $1
   ORDER BY array_position(ARRAY['tertiary', 'secondary', 'township', 'community', 'village'], i.level), i.name, i.id`;

/** Counts of rows per China day of `column`, inside the window, as a sub-select joinable USING (day). */
const perDay = (from: string, column: string, where: string, counts = 'count(*)::int AS n') =>
  `(SELECT ${CHINA_DATE(column)} AS day, ${counts} FROM w, ${from} WHERE ${where} AND ${IN_WINDOW(column)} GROUP BY 1)`;

const DAILY = `
  WITH ${WINDOW},
  days AS (SELECT d::date AS day FROM generate_series($2::date, $3::date, interval '1 day') d)
  SELECT to_char(days.day, 'YYYY-MM-DD') AS day,
         coalesce(st.n, 0) AS studies, coalesce(rq.n, 0) AS requests,
         coalesce(sg.signed, 0) AS signed, coalesce(sg.within, 0) AS "signedWithinSla", sg.p50,
         coalesce(lk.n, 0) AS lookups, coalesce(dc.decisions, 0) AS decisions, coalesce(dc.recognised, 0) AS recognised
    FROM days
    LEFT JOIN ${perDay('studies s', 's.created_at', 's.consortium_id = $1')} st USING (day)
    LEFT JOIN ${perDay('reading_requests r', 'r.created_at', 'r.consortium_id = $1')} rq USING (day)
    LEFT JOIN ${perDay(
      'reading_tasks t JOIN reading_requests r ON r.id = t.request_id',
      't.signed_at',
      'r.consortium_id = $1',
      `count(*)::int AS signed, count(*) FILTER (WHERE t.signed_at <= t.due_at)::int AS within,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY ${MINUTES_TO_SIGN}) AS p50`,
    )} sg USING (day)
    LEFT JOIN ${perDay('recognition_lookups l', 'l.created_at', 'l.consortium_id = $1')} lk USING (day)
    LEFT JOIN ${perDay(
      'recognition_decisions d',
      'd.created_at',
      'd.consortium_id = $1',
      `count(*)::int AS decisions, count(*) FILTER (WHERE d.decision = 'recognised')::int AS recognised`,
    )} dc USING (day)
   ORDER BY days.day`;

/** Aggregates over the reading, studies and recognition tables of one consortium: counts only, no patient data. */
@Injectable()
export class OversightRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  centres(consortiumId: string, window: DayWindow, now: Date): Promise<CentreFigures[]> {
    return this.run(CENTRES, consortiumId, window, now);
  }

  clinics(consortiumId: string, window: DayWindow, now: Date): Promise<ClinicFigures[]> {
    return this.run(CLINICS, consortiumId, window, now);
  }

  days(consortiumId: string, window: DayWindow, now: Date): Promise<DayFigures[]> {
    return this.run(DAILY, consortiumId, window, now);
  }

  private run<T>(sql: string, consortiumId: string, window: DayWindow, now: Date): Promise<T[]> {
    return this.dataSource.query(sql, [consortiumId, window.from, window.to, now]);
  }
}
