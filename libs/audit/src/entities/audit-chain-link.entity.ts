import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity.js';

/**
 * The hash chain over the audit trail, one link per event in the order the sealer took them: hash = sha256 of the
 * event's fields and the previous link's hash. Append-only, like the events.
 */
@Entity('audit_chain')
@Index('uq_audit_chain_event', ['eventId'], { unique: true })
export class AuditChainLinkEntity {
  @PrimaryColumn({ type: 'bigint' }) seq!: string;
  @Column({ type: 'bigint' }) eventId!: string;
  @ManyToOne(() => AuditEventEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'event_id' })
  event?: AuditEventEntity;
  @Column({ type: 'text' }) prevHash!: string;
  @Column({ type: 'text' }) hash!: string;
  @Column({ type: 'timestamptz', default: () => 'now()' }) sealedAt!: Date;
}
