import type { CentresOversight, ClinicsOversight, DailyOversight, RecognitionStatsView } from '@hub/contracts';
import type { ApiClient } from './http';

export type {
  CentreOversightRow,
  CentresOversight,
  ClinicOversightRow,
  ClinicsOversight,
  DailyOversight,
  OversightDay,
  RecognitionStatsView as RecognitionStats,
} from '@hub/contracts';

/** China calendar days, YYYY-MM-DD, both included (at most 366 days). */
export interface OversightPeriod {
  from: string;
  to: string;
}

export function centresOversight(api: ApiClient, period: OversightPeriod): Promise<CentresOversight> {
  return api.get<CentresOversight>('/api/oversight/centres', { query: { ...period } });
}

export function clinicsOversight(api: ApiClient, period: OversightPeriod): Promise<ClinicsOversight> {
  return api.get<ClinicsOversight>('/api/oversight/clinics', { query: { ...period } });
}

export function dailyOversight(api: ApiClient, period: OversightPeriod): Promise<DailyOversight> {
  return api.get<DailyOversight>('/api/oversight/daily', { query: { ...period } });
}

/** Recognition per item and month with repeats avoided and the saving: whole months, YYYY-MM (at most 36). */
export function recognitionStats(api: ApiClient, months: { from: string; to: string }): Promise<RecognitionStatsView> {
  return api.get<RecognitionStatsView>('/api/recognition/stats', { query: { ...months } });
}
