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
  createdAt: Date;
}

export interface NewPatient {
  localId: string;
  name: string;
  sex?: Sex;
  birthDate?: string;
}
