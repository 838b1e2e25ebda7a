import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ConsultationEntity } from './consultation.entity.js';

/**
 * The live room's durable log: every persisted event, numbered per consultation before it is broadcast, so a client
 * that was away asks for what follows its last sequence number. A retried client message (same sender and client
 * message id) is found by the unique index and not written twice. Append-only.
 */
@Entity('consultation_events')
@Index('uq_consultation_events_client_msg', ['consultationId', 'actorUserId', 'clientMsgId'], {
  unique: true,
  where: 'client_msg_id IS NOT NULL',
})
export class ConsultationEventEntity {
  @PrimaryColumn({ type: 'uuid' }) consultationId!: string;
  @ManyToOne(() => ConsultationEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'consultation_id' })
  consultation?: ConsultationEntity;
  @PrimaryColumn({ type: 'bigint' }) seq!: string;
  @Column({ type: 'text' }) type!: string;
  @Column({ type: 'uuid', nullable: true }) actorUserId!: string | null;
  @Column({ type: 'text', nullable: true }) actorName!: string | null;
  @Column({ type: 'text', nullable: true }) clientMsgId!: string | null;
  @Column({ type: 'jsonb' }) payload!: Record<string, unknown>;
  @Column({ type: 'timestamptz', default: () => 'clock_timestamp()' }) occurredAt!: Date;
}
