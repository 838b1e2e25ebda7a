import type { StructuredValue } from '../report-view.js';

export const FIELD_TYPES = ['text', 'number', 'boolean', 'choice'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** One field of an exam's report template, e.g. { key: 'lvef', label: '左室射血分数', type: 'number', unit: '%' }. */
export interface TemplateField {
  key: string;
  label: string;
  type: FieldType;
  required?: boolean;
  /** choice: the allowed values. */
  options?: string[];
  unit?: string;
  min?: number;
  max?: number;
  /** text: longest allowed. */
  maxLength?: number;
}

const DEFAULT_TEXT_MAX = 2000;

function problemWith(field: TemplateField, value: StructuredValue): string | null {
  if (value === null) return null;
  switch (field.type) {
    case 'text':
      if (typeof value !== 'string') return 'must be text';
      if (value.length > (field.maxLength ?? DEFAULT_TEXT_MAX)) {
        return `is longer than ${field.maxLength ?? DEFAULT_TEXT_MAX} characters`;
      }
      return null;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
      if (field.min !== undefined && value < field.min) return `must be at least ${field.min}`;
      if (field.max !== undefined && value > field.max) return `must be at most ${field.max}`;
      return null;
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'choice':
      return typeof value === 'string' && (field.options ?? []).includes(value)
        ? null
        : `must be one of: ${(field.options ?? []).join(', ')}`;
  }
}

/**
 * Problems with structured values against the exam's template, one message per field ('lvef must be a number').
 * Drafts may be incomplete; `complete` (submit, sign) also requires every required field.
 */
export function structuredProblems(
  values: Record<string, StructuredValue>,
  fields: readonly TemplateField[] | null,
  complete: boolean,
): string[] {
  const known = new Map((fields ?? []).map((f) => [f.key, f]));
  const problems: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const field = known.get(key);
    if (!field) {
      problems.push(
        fields ? `${key} is not a field of this exam's report template` : `${key}: this exam has no report template`,
      );
      continue;
    }
    const problem = problemWith(field, value);
    if (problem) problems.push(`${key} (${field.label}) ${problem}`);
  }
  if (complete) {
    for (const field of fields ?? []) {
      const value = values[field.key];
      if (field.required && (value === undefined || value === null || value === '')) {
        problems.push(`${field.key} (${field.label}) is required before the report is submitted or signed`);
      }
    }
  }
  return problems;
}
