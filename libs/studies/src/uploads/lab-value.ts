import { ABNORMAL_FLAGS, type AbnormalFlag } from '@hub/contracts';

export { ABNORMAL_FLAGS, type AbnormalFlag };

/** One lab value, however it arrived (structured JSON or an HL7 v2 OBX segment). */
export interface LabValue {
  itemCode: string;
  itemName: string;
  loinc: string | null;
  value: string;
  unit: string | null;
  referenceRange: string | null;
  abnormalFlag: AbnormalFlag | null;
  observedAt: Date | null;
}

/** The number in a value when it is a plain decimal ("5.6"); null for "<0.1", "positive", "1:320" … */
export function numericValue(value: string): number | null {
  return /^[-+]?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : null;
}

export const isAbnormalFlag = (flag: string): flag is AbnormalFlag =>
  (ABNORMAL_FLAGS as readonly string[]).includes(flag);
