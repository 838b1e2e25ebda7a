export const SEXES = ['M', 'F', 'O', 'U'] as const;
export type Sex = (typeof SEXES)[number];

export interface PatientIdentifier {
  institutionId: string;
  localId: string;
}

export interface Patient {
  id: string;
  consortiumId: string;
  name: string;
  sex: Sex | null;
  birthDate: string | null;
  identifiers: PatientIdentifier[];
  /** Whether a national id (as its keyed hash) is on record; the number itself is never stored. */
  nationalIdOnRecord: boolean;
  createdAt: Date;
}

export interface NewPatient {
  localId: string;
  name: string;
  sex?: Sex;
  birthDate?: string;
  /** Resident identity number: only its keyed hash is stored, to link the same person across institutions. */
  nationalId?: string;
  /** IssuerOfPatientID of the local id, when the source names one. */
  issuer?: string;
}

/** How a (institution, local id) was resolved: an existing identifier, a link by national id, or a new record. */
export type PatientResolution = 'existing' | 'linked' | 'created';
