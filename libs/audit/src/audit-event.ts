export const AUDIT_OUTCOMES = ['success', 'denied', 'failed'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** What a caller tells the audit trail; who, when and from where come from the request context. */
export interface AuditEntry {
  action: string;
  objectType: string;
  objectId?: string | null;
  patientId?: string | null;
  outcome?: AuditOutcome;
  details?: Record<string, unknown>;
}

export interface AuditEvent {
  id: string;
  occurredAt: Date;
  actorUserId: string | null;
  actorUsername: string | null;
  actorRoles: string[];
  actorInstitutionId: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  patientId: string | null;
  outcome: AuditOutcome;
  sourceIp: string | null;
  requestId: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditFilter {
  consortiumId: string | null;
  from?: Date;
  to?: Date;
  actorUserId?: string;
  patientId?: string;
  action?: string;
  outcome?: AuditOutcome;
  limit: number;
  offset: number;
}

export interface ChainVerification {
  valid: boolean;
  /** Links of the hash chain recomputed. */
  checked: number;
  /** Events not yet sealed when the check ran: written by transactions that had not committed when it sealed. */
  pending: number;
  /** The first event whose hash, link or presence does not verify. */
  brokenAt?: string;
  reason?: string;
}
