import type { EntityManager } from 'typeorm';

export interface PatientFacts {
  consortiumId: string;
  /** The institutions that registered the patient (hold a local id). */
  institutionIds: string[];
}

/** The institutions that registered patient `p` (hold a local id for them), as text[]. */
export const PATIENT_INSTITUTION_IDS = `ARRAY(SELECT pi.institution_id::text FROM patient_identifiers pi
                                        WHERE pi.patient_id = p.id AND pi.institution_id IS NOT NULL)`;

/** What the recognition access rule needs of a patient, or null when there is no such patient. */
export async function patientFacts(m: EntityManager, patientId: string): Promise<PatientFacts | null> {
  const [row]: PatientFacts[] = await m.query(
    `SELECT p.consortium_id AS "consortiumId", ${PATIENT_INSTITUTION_IDS} AS "institutionIds" FROM patients p WHERE p.id = $1`,
    [patientId],
  );
  return row ?? null;
}
