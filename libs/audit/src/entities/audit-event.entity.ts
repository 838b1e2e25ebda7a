import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Append-only. id and occurred_at are set by the database trigger, which also queues the event for sealing into the
 * hash chain (audit_chain) after it commits; UPDATE, DELETE and TRUNCATE are refused by triggers and grants.
 */
@Entity('audit_events')
@Index('idx_audit_events_patient', ['patientId'])
@Index('idx_audit_events_actor', ['actorUserId'])
@Index('idx_audit_events_occurred_at', ['occurredAt'])
@Check('chk_audit_events_outcome', "outcome IN ('success', 'denied', 'failed')")
export class AuditEventEntity {
  @PrimaryColumn({ type: 'bigint' }) id!: string;
  @Column({ type: 'timestamptz' }) occurredAt!: Date;
  @Column({ type: 'uuid', nullable: true }) actorUserId!: string | null;
  @Column({ type: 'text', nullable: true }) actorUsername!: string | null;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) actorRoles!: string[];
  @Column({ type: 'uuid', nullable: true }) actorInstitutionId!: string | null;
  @Column({ type: 'text' }) action!: string;
  @Column({ type: 'text' }) objectType!: string;
  @Column({ type: 'text', nullable: true }) objectId!: string | null;
  @Column({ type: 'uuid', nullable: true }) patientId!: string | null;
  @Column({ type: 'text' }) outcome!: string;
  @Column({ type: 'text', nullable: true }) sourceIp!: string | null;
  @Column({ type: 'text', nullable: true }) requestId!: string | null;
  @Column({ type: 'jsonb', nullable: true }) details!: Record<string, unknown> | null;
}
