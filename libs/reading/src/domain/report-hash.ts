import { createHash } from 'node:crypto';
import type { StructuredValue } from '../report-view.js';

/** What a signature covers: the content and who signed it when. */
export interface SignedContent {
  reportId: string;
  studyId: string;
  patientId: string;
  findings: string;
  impression: string;
  structured: Record<string, StructuredValue>;
  signedBy: string;
  signedAt: Date;
}

export interface SignedAddendum {
  reportId: string;
  seq: number;
  text: string;
  signedBy: string;
  signedAt: Date;
  /** The report's hash for the first addendum, the previous addendum's after that. */
  previousHash: string;
}

/** JSON with keys sorted at every level, so the same content always hashes the same whatever the key order. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export function reportContentHash(c: SignedContent): string {
  return sha256(canonicalJson({ kind: 'report', ...c, signedAt: c.signedAt.toISOString() }));
}

export function addendumHash(a: SignedAddendum): string {
  return sha256(canonicalJson({ kind: 'addendum', ...a, signedAt: a.signedAt.toISOString() }));
}
