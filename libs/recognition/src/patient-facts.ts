import type { EntityManager } from 'typeorm';

export interface PatientFacts {
  consortiumId: string;
  /** The institutions that registered the patient (hold a local id). */
  institutionIds: string[];
}

/** What the recognition access rule needs of a patient, or null when there is no such patient. */
export async function patientFacts(m: EntityManager, patientId: string): Promise<PatientFacts | null> {
  const [row]: PatientFacts[] = await m.query(
    `SELECT p.consortium_id AS "consortiumId",
            coalesce(array_agg(pi.institution_id::text) FILTER (WHERE pi.institution_id IS NOT NULL), '{}')
              AS "institutionIds"
       FROM patients p LEFT JOIN patient_identifiers pi ON pi.patient_id = p.id
      WHERE p.id = $1 GROUP BY p.id`,
    [patientId],
  );
  return row ?? null;
}
