import type { Discipline, InstitutionLevel } from './vocabulary.js';

/**
 * Oversight figures (GET /api/oversight/*): aggregates for a consortium's coordinators, administrators and auditors,
 * never patient data. A window is whole China calendar days (Asia/Shanghai), `from` and `to` both included.
 */
export interface OversightWindow {
  /** YYYY-MM-DD */
  from: string;
  /** YYYY-MM-DD, inclusive */
  to: string;
  /** When the figures were computed; queue depths are as of this instant. */
  generatedAt: string;
}

/** Open tasks of a centre right now, by priority (queued, being read, waiting for or in review). */
export interface QueueDepth {
  stat: number;
  urgent: number;
  routine: number;
  total: number;
  /** Open tasks already past their due time. */
  overdue: number;
}

export interface CentreOversightRow {
  centreId: string;
  name: string;
  discipline: Discipline;
  hostInstitution: { id: string; name: string };
  slaMinutes: { stat: number; urgent: number; routine: number };
  queue: QueueDepth;
  /** Requests sent to the centre in the window. */
  requested: number;
  /** Tasks signed in the window. */
  signed: number;
  /** Of those, signed by their due time. */
  signedWithinSla: number;
  /** signedWithinSla / signed, 0–1 with four decimals; null when nothing was signed. */
  slaCompliance: number | null;
  /**
   * SLA breaches in the window: tasks signed in it after their due time, and open tasks whose due time fell in it and
   * has passed.
   */
  breached: number;
  /** Tasks the centre returned to the requesting clinic in the window. */
  returned: number;
  /** Minutes from the request to the signature, over the tasks signed in the window; null when none. */
  turnaroundMinutes: { p50: number | null; p90: number | null };
}

export interface CentresOversight extends OversightWindow {
  centres: CentreOversightRow[];
}

export interface ClinicOversightRow {
  institutionId: string;
  name: string;
  level: InstitutionLevel;
  /** Studies the institution uploaded in the window. */
  studies: number;
  /** Reading requests it made in the window. */
  requests: number;
  /** Reports on its requests signed in the window. */
  signedReports: number;
  /** Recognition look-ups its doctors made in the window. */
  lookups: number;
  /** Recognition decisions its doctors recorded in the window. */
  decisions: number;
  recognised: number;
  /** recognised / decisions, 0–1 with four decimals; null when no decision was recorded. */
  recognitionRate: number | null;
}

export interface ClinicsOversight extends OversightWindow {
  clinics: ClinicOversightRow[];
}

/** One China calendar day of the consortium's activity (every day of the window, zeros included). */
export interface OversightDay {
  /** YYYY-MM-DD */
  day: string;
  studies: number;
  requests: number;
  signed: number;
  signedWithinSla: number;
  /** Median minutes from request to signature of that day's signatures; null when none. */
  turnaroundP50Minutes: number | null;
  lookups: number;
  decisions: number;
  recognised: number;
}

export interface DailyOversight extends OversightWindow {
  days: OversightDay[];
}
