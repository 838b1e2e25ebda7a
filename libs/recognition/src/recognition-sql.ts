/**
 * Whether the performing institution of `r` (a recognisable_results row) had passed QC for the result's discipline on
 * the China calendar day it was performed, by the current (not superseded) records.
 */
export const QC_PASSED_WHEN_PERFORMED = `EXISTS (
  SELECT 1 FROM institution_qc_records q
   WHERE q.institution_id = r.performing_institution_id AND q.discipline = r.discipline AND q.superseded_at IS NULL
     AND q.passed_from <= (r.performed_at AT TIME ZONE 'Asia/Shanghai')::date
     AND (q.passed_to IS NULL OR q.passed_to >= (r.performed_at AT TIME ZONE 'Asia/Shanghai')::date))`;
