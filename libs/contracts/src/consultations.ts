/** A study attached to a consultation: what its invited specialists may open while it lasts. */
export interface ConsultationMaterial {
  studyId: string;
  studyInstanceUid: string | null;
  discipline: string;
  examCode: string | null;
  studyDate: string | null;
  description: string | null;
  /** The signed reports of the study (ids for GET /api/reports/:id). */
  reportIds: string[];
}
