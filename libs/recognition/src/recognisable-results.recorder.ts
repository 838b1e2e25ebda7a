import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  type ReportAmendmentFacts,
  type SignedReportFacts,
  type SignedReportHook,
  SignedReportHooks,
} from '@hub/reading';

/**
 * Makes every signed result a candidate for recognition, in the signing transaction, and withdraws it when a signed
 * addendum corrects the result. Whether a candidate is recognisable is judged at look-up time, against the
 * catalogue and QC records as they are then.
 */
@Injectable()
export class RecognisableResultsRecorder implements SignedReportHook, OnModuleInit {
  constructor(private readonly hooks: SignedReportHooks) {}

  onModuleInit(): void {
    this.hooks.register(this);
  }

  async onSigned(m: EntityManager, facts: SignedReportFacts): Promise<void> {
    // The item is the request's exam code, else the study's; a study without one cannot be matched to the catalogue.
    // A study's date without a time is taken as midnight in China.
    await m.query(
      `INSERT INTO recognisable_results (consortium_id, patient_id, study_id, report_id, item_code, discipline,
                                         performing_institution_id, performed_at, signed_at)
       SELECT $1, s.patient_id, s.id, $3, coalesce($4, s.exam_code), s.discipline, s.institution_id,
              coalesce(s.performed_at, s.study_date::timestamp AT TIME ZONE 'Asia/Shanghai', $5), $5
         FROM studies s
        WHERE s.id = $2 AND coalesce($4, s.exam_code) IS NOT NULL
       ON CONFLICT (report_id) DO NOTHING`,
      [facts.consortiumId, facts.studyId, facts.reportId, facts.examCode, facts.signedAt],
    );
  }

  async onAmended(m: EntityManager, facts: ReportAmendmentFacts): Promise<void> {
    if (!facts.changesResult) return;
    await m.query(
      `UPDATE recognisable_results SET withdrawn_at = $2, withdrawn_reason = $3
        WHERE report_id = $1 AND withdrawn_at IS NULL`,
      [facts.reportId, facts.signedAt, `addendum ${facts.addendumSeq} corrects the result`],
    );
  }
}
