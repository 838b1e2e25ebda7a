import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Discipline } from '@hub/core';
import { ConsortiumEntity } from './consortium.entity.js';
import { InstitutionEntity } from './institution.entity.js';

@Entity('centres')
@Index('uq_centres_consortium_name', ['consortiumId', 'name'], { unique: true })
@Check('chk_centres_discipline', "discipline IN ('imaging', 'ecg', 'lab', 'pathology')")
@Check('chk_centres_sla', 'sla_stat_minutes > 0 AND sla_urgent_minutes > 0 AND sla_routine_minutes > 0')
export class CentreEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'uuid' }) consortiumId!: string;
  @ManyToOne(() => ConsortiumEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'consortium_id' })
  consortium?: ConsortiumEntity;
  @Column({ type: 'uuid' }) hostInstitutionId!: string;
  @ManyToOne(() => InstitutionEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'host_institution_id' })
  hostInstitution?: InstitutionEntity;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) discipline!: Discipline;
  @Column({ type: 'integer' }) slaStatMinutes!: number;
  @Column({ type: 'integer' }) slaUrgentMinutes!: number;
  @Column({ type: 'integer' }) slaRoutineMinutes!: number;
  /** 审核签发: a junior's report goes to a senior for signature before it is final. */
  @Column({ type: 'boolean', default: true }) twoStepSignoff!: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
