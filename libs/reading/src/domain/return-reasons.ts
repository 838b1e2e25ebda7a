/** Why a centre sends a task back to the requesting clinic (退回). `other` needs a note. */
export const RETURN_REASONS = [
  'poor_image_quality',
  'incomplete_study',
  'missing_clinical_information',
  'wrong_patient_or_study',
  'wrong_centre',
  'other',
] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];
