import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { UserEntity } from '@hub/auth';
import type { Discipline } from '@hub/core';
import { CentreEntity } from '@hub/consortium';
import type { ReturnReason } from '../domain/return-reasons.js';
import type { TaskState } from '../domain/task-state.js';
import { ReadingRequestEntity } from './reading-request.entity.js';

/**
 * A request's place in a centre's queue and who works on it. The two partial indexes are the queues (to read, to
 * review) in claim order, so a claim is one index probe however deep the queue is.
 */
@Entity('reading_tasks')
@Index('uq_reading_tasks_request', ['requestId'], { unique: true })
@Index('idx_reading_tasks_read_queue', ['centreId', 'priorityRank', 'referralRank', 'dueAt', 'id'], {
  where: "state = 'queued'",
})
@Index('idx_reading_tasks_review_queue', ['centreId', 'priorityRank', 'referralRank', 'dueAt', 'id'], {
  where: "state = 'submitted'",
})
@Index('idx_reading_tasks_lease', ['centreId', 'leaseExpiresAt'], { where: 'lease_expires_at IS NOT NULL' })
@Index('idx_reading_tasks_open_due', ['dueAt'], { where: "state NOT IN ('signed', 'cancelled', 'returned')" })
@Check(
  'chk_reading_tasks_state',
  "state IN ('queued', 'claimed', 'drafted', 'submitted', 'reviewing', 'signed', 'returned', 'cancelled')",
)
@Check(
  'chk_reading_tasks_lease',
  "(state IN ('claimed', 'drafted', 'reviewing')) = (holder_user_id IS NOT NULL AND lease_expires_at IS NOT NULL)",
)
@Check('chk_reading_tasks_priority_rank', 'priority_rank BETWEEN 0 AND 2 AND referral_rank IN (0, 1)')
export class ReadingTaskEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'uuid' }) requestId!: string;
  @ManyToOne(() => ReadingRequestEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'request_id' })
  request?: ReadingRequestEntity;
  @Column({ type: 'uuid' }) centreId!: string;
  @ManyToOne(() => CentreEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'centre_id' })
  centre?: CentreEntity;
  @Column({ type: 'text' }) discipline!: Discipline;
  /** 0 stat, 1 urgent, 2 routine. */
  @Column({ type: 'smallint' }) priorityRank!: number;
  /** 0 for a referral (green channel), 1 otherwise: ascending order puts referrals first. */
  @Column({ type: 'smallint' }) referralRank!: number;
  @Column({ type: 'timestamptz' }) queuedAt!: Date;
  @Column({ type: 'timestamptz' }) dueAt!: Date;
  @Column({ type: 'text' }) state!: TaskState;
  @Column({ type: 'uuid', nullable: true }) holderUserId!: string | null;
  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'holder_user_id' })
  holder?: UserEntity;
  @Column({ type: 'timestamptz', nullable: true }) leaseExpiresAt!: Date | null;
  /** Grows with every claim; a write must carry the current one. */
  @Column({ type: 'bigint', default: 0 }) fencingToken!: string;
  @Column({ type: 'timestamptz', nullable: true }) firstClaimedAt!: Date | null;
  @Column({ type: 'uuid', nullable: true }) submittedBy!: string | null;
  @Column({ type: 'timestamptz', nullable: true }) submittedAt!: Date | null;
  @Column({ type: 'uuid', nullable: true }) signedBy!: string | null;
  @Column({ type: 'timestamptz', nullable: true }) signedAt!: Date | null;
  @Column({ type: 'text', nullable: true }) returnReason!: ReturnReason | null;
  @Column({ type: 'text', nullable: true }) returnNote!: string | null;
  @Column({ type: 'timestamptz', nullable: true }) returnedAt!: Date | null;
  @Column({ type: 'integer', default: 0 }) resubmissions!: number;
  @Column({ type: 'text', nullable: true }) cancelReason!: string | null;
  @Column({ type: 'timestamptz', nullable: true }) cancelledAt!: Date | null;
  /** When coordinators were sent sla.warning for the current due time; the flag that makes it once. */
  @Column({ type: 'timestamptz', nullable: true }) slaWarnedAt!: Date | null;
  /** When coordinators were sent sla.breached for the current due time. Both flags clear on resubmission. */
  @Column({ type: 'timestamptz', nullable: true }) slaBreachedAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
