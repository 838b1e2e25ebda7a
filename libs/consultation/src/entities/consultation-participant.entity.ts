import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '@hub/auth';
import { ConsultationEntity } from './consultation.entity.js';

import type { ParticipantRole } from '@hub/contracts';

export type { ParticipantRole };

/**
 * Who may enter the consultation's room and see its materials: the requesting doctor, the coordinator who runs it,
 * and the invited specialists (one of them the chair). An invitation withdrawn keeps its row.
 */
@Entity('consultation_participants')
@Index('uq_consultation_participants_user', ['consultationId', 'userId'], { unique: true })
@Index('idx_consultation_participants_user', ['userId'])
@Check('chk_consultation_participants_role', "role IN ('chair', 'specialist', 'requester', 'coordinator')")
export class ConsultationParticipantEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'uuid' }) consultationId!: string;
  @ManyToOne(() => ConsultationEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'consultation_id' })
  consultation?: ConsultationEntity;
  @Column({ type: 'uuid' }) userId!: string;
  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;
  @Column({ type: 'text' }) role!: ParticipantRole;
  @Column({ type: 'text', nullable: true }) specialty!: string | null;
  @Column({ type: 'uuid', nullable: true }) invitedBy!: string | null;
  @Column({ type: 'timestamptz', default: () => 'now()' }) invitedAt!: Date;
  @Column({ type: 'timestamptz', nullable: true }) withdrawnAt!: Date | null;
}
