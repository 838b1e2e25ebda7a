import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '@hub/auth';
import type { Discipline, Priority } from '@hub/core';
import { ConsortiumEntity, InstitutionEntity } from '@hub/consortium';
import { StudyEntity } from '@hub/studies';

/** A clinic's request for a reading of one of its studies (申请). Its queue life is the task (reading_tasks). */
@Entity('reading_requests')
@Index('idx_reading_requests_institution_created', ['requestingInstitutionId', 'createdAt'])
@Index('idx_reading_requests_study', ['studyId'])
@Check('chk_reading_requests_priority', "priority IN ('stat', 'urgent', 'routine')")
export class ReadingRequestEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'uuid' }) consortiumId!: string;
  @ManyToOne(() => ConsortiumEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'consortium_id' })
  consortium?: ConsortiumEntity;
  @Column({ type: 'uuid' }) requestingInstitutionId!: string;
  @ManyToOne(() => InstitutionEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'requesting_institution_id' })
  requestingInstitution?: InstitutionEntity;
  @Column({ type: 'uuid' }) requestedByUserId!: string;
  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'requested_by_user_id' })
  requestedBy?: UserEntity;
  @Column({ type: 'uuid' }) studyId!: string;
  @ManyToOne(() => StudyEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'study_id' })
  study?: StudyEntity;
  @Column({ type: 'uuid' }) patientId!: string;
  @Column({ type: 'text' }) discipline!: Discipline;
  @Column({ type: 'text' }) priority!: Priority;
  /** 转诊绿色通道: read first within its priority. */
  @Column({ type: 'boolean', default: false }) referral!: boolean;
  @Column({ type: 'text', nullable: true }) clinicalNotes!: string | null;
  @Column({ type: 'text', nullable: true }) examCode!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
