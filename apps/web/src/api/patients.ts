import type { ApiClient } from './http';

/** GET /api/patients/:id (libs/patients): who the patient is, as the consortium's index knows them; audited. */
export interface Patient {
  id: string;
  consortiumId: string;
  name: string;
  sex: 'M' | 'F' | 'O' | 'U' | null;
  /** YYYY-MM-DD. */
  birthDate: string | null;
  identifiers: { institutionId: string; localId: string }[];
  nationalIdOnRecord: boolean;
  createdAt: string;
}

export function getPatient(api: ApiClient, patientId: string): Promise<Patient> {
  return api.get<Patient>(`/api/patients/${encodeURIComponent(patientId)}`);
}
