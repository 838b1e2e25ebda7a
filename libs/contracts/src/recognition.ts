import type { Discipline } from './vocabulary.js';

// Wire shapes of mutual recognition (互认): the hub (libs/recognition) sends them, the console reads them.

/** Why a receiving doctor does not recognise a result (《医疗机构检查检验结果互认管理办法》); `other` needs a note. */
export const NOT_RECOGNISED_REASONS = [
  'condition_changed',
  'result_changes_quickly',
  'critical_to_treatment',
  'emergency',
  'judicial_appraisal',
  'other',
] as const;
export type NotRecognisedReason = (typeof NOT_RECOGNISED_REASONS)[number];

export const DECISIONS = ['recognised', 'not_recognised'] as const;
export type Decision = (typeof DECISIONS)[number];

/** The longest note a decision may carry, in characters (a Chinese character counts as one). */
export const MAX_NOTE_CHARS = 200;

/** Why a prior result is shown but not offered for recognition. */
export type NotRecognisableReason = 'withdrawn' | 'not_in_catalogue' | 'qc_not_passed' | 'expired';

/** A mutually recognised item of a consortium's catalogue (互认项目). */
export interface CatalogueItem {
  code: string;
  nameZh: string;
  nameEn: string;
  discipline: Discipline;
  validityDays: number;
  /** Usual charge in yuan, for the savings estimate; each consortium sets its own. */
  priceYuan: number;
}

export interface CatalogueItemView extends CatalogueItem {
  active: boolean;
  updatedAt: string;
}

export interface RecognitionCandidate {
  resultId: string;
  studyId: string;
  discipline: Discipline;
  performingInstitution: { id: string; name: string };
  performedAt: string;
  signedAt: string;
  validUntil: string | null;
  /** The HR mark with its scope, on recognisable results only. */
  hr: string | null;
  reason?: NotRecognisableReason;
  /** Where the result itself is (images, tracing, values): not the diagnostic conclusion, which is not recognised. */
  links: { study: string; dicomweb: string | null };
}

/** GET /api/patients/:id/recognizable?item=CODE: one look-up, with the serial its decisions cite. */
export interface RecognitionLookupView {
  lookupSerial: string;
  patientId: string;
  item: CatalogueItemView;
  at: string;
  recognisable: RecognitionCandidate[];
  notRecognisable: RecognitionCandidate[];
}

export interface DecisionView {
  id: string;
  lookupSerial: string;
  resultId: string;
  patientId: string;
  itemCode: string;
  institutionId: string;
  decidedBy: string;
  decision: Decision;
  reasonCode: string | null;
  note: string | null;
  patientInformed: boolean;
  priceYuan: number;
  decidedAt: string;
}

export interface RecognitionStatsRow {
  /** Calendar month in China time, YYYY-MM. */
  month: string;
  institutionId: string;
  institutionName: string;
  itemCode: string;
  decisions: number;
  recognised: number;
  notRecognised: number;
  /** recognised / decisions, 0–1 with four decimals. */
  recognitionRate: number;
  /** Each recognised result is a repeat test not done. */
  repeatsAvoided: number;
  /** Sum of the items' prices at the time of the recognised decisions, in yuan. */
  estimatedSavingYuan: number;
}

/** GET /api/recognition/stats */
export interface RecognitionStatsView {
  from: string;
  to: string;
  rows: RecognitionStatsRow[];
  totals: Omit<RecognitionStatsRow, 'month' | 'institutionId' | 'institutionName' | 'itemCode'>;
}
