import { type Decision, MAX_NOTE_CHARS, NOT_RECOGNISED_REASONS, type NotRecognisedReason } from '@hub/contracts';

export {
  DECISIONS,
  type Decision,
  MAX_NOTE_CHARS,
  NOT_RECOGNISED_REASONS,
  type NotRecognisedReason,
} from '@hub/contracts';

export const NOT_RECOGNISED_REASON_LABELS: Record<NotRecognisedReason, string> = {
  condition_changed: '因病情变化，结果与临床表现不相符，难以满足诊疗需求',
  result_changes_quickly: '结果在疾病发展演变过程中变化较快',
  critical_to_treatment: '对疾病诊疗意义重大（如手术、输血等重大医疗措施前）',
  emergency: '患者处于急诊、急救等紧急状态',
  judicial_appraisal: '涉及司法、伤残及病退等鉴定',
  other: '其他确需复查的情形',
};

export interface DecisionInput {
  decision: Decision;
  reasonCode?: string | null;
  note?: string | null;
  patientInformed: boolean;
}

/** Every problem with a decision, so the doctor can fix the form in one go (an empty list: it may be recorded). */
export function decisionProblems(input: DecisionInput): string[] {
  const problems: string[] = [];
  const note = input.note?.trim() ?? '';
  if ([...note].length > MAX_NOTE_CHARS) {
    problems.push(`note: at most ${MAX_NOTE_CHARS} characters (this one has ${[...note].length})`);
  }
  if (input.decision === 'recognised') {
    if (input.reasonCode) problems.push('reasonCode: a recognised result needs no reason for not recognising it');
    return problems;
  }
  if (!input.reasonCode) {
    problems.push(`reasonCode: say why the result is not recognised (${NOT_RECOGNISED_REASONS.join(', ')})`);
  } else if (!(NOT_RECOGNISED_REASONS as readonly string[]).includes(input.reasonCode)) {
    problems.push(`reasonCode must be one of: ${NOT_RECOGNISED_REASONS.join(', ')}`);
  } else if (input.reasonCode === 'other' && !note) {
    problems.push("note: describe the reason when reasonCode is 'other'");
  }
  if (!input.patientInformed) {
    problems.push('patientInformed: tell the patient why the test is repeated before recording the decision');
  }
  return problems;
}
