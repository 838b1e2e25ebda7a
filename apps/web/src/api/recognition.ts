import type {
  CatalogueItemView as CatalogueItem,
  Decision,
  DecisionView,
  NotRecognisedReason,
  RecognitionLookupView as RecognitionLookup,
} from '@hub/contracts';
import type { ApiClient } from './http';

const id = encodeURIComponent;

export type {
  CatalogueItemView as CatalogueItem,
  Decision,
  DecisionView,
  NotRecognisableReason,
  NotRecognisedReason,
  RecognitionCandidate,
  RecognitionLookupView as RecognitionLookup,
} from '@hub/contracts';
export { MAX_NOTE_CHARS, NOT_RECOGNISED_REASONS } from '@hub/contracts';

export interface NewDecision {
  lookupSerial: string;
  resultId: string;
  decision: Decision;
  reasonCode?: NotRecognisedReason;
  note?: string;
  patientInformed: boolean;
}

/** The parts of GET /api/patients/:id the look-up shows. */
export interface PatientSummary {
  id: string;
  name: string;
  sex: string | null;
  birthDate: string | null;
}

export function catalogueItems(api: ApiClient): Promise<CatalogueItem[]> {
  return api.get<CatalogueItem[]>('/api/recognition/items');
}

export function getPatient(api: ApiClient, patientId: string): Promise<PatientSummary> {
  return api.get<PatientSummary>(`/api/patients/${id(patientId)}`);
}

/** The patient registered at the caller's institution under this local id (e.g. the HIS number). */
export function findPatient(api: ApiClient, localId: string): Promise<PatientSummary> {
  return api.get<PatientSummary>('/api/patients', { query: { localId } });
}

/** Each call is a new look-up with its own serial number: decisions cite it. */
export function lookUp(api: ApiClient, patientId: string, itemCode: string): Promise<RecognitionLookup> {
  return api.get<RecognitionLookup>(`/api/patients/${id(patientId)}/recognizable`, { query: { item: itemCode } });
}

export function recordDecision(api: ApiClient, body: NewDecision): Promise<DecisionView> {
  return api.post<DecisionView>('/api/recognition/decisions', body);
}
