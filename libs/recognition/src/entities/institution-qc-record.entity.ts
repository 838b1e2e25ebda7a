import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Discipline } from '@hub/core';
import { InstitutionEntity } from '@hub/consortium';

/**
 * An institution passed quality control (质控) for a discipline from one day to another (inclusive; open-ended when
 * passed_to is null). Corrections supersede a record instead of changing it, so the history stays.
 */
@Entity('institution_qc_records')
@Index('idx_qc_records_current', ['institutionId', 'discipline', 'passedFrom'], { where: 'superseded_at IS NULL' })
@Check('chk_qc_records_discipline', "discipline IN ('imaging', 'ecg', 'lab', 'pathology')")
@Check('chk_qc_records_period', 'passed_to IS NULL OR passed_to >= passed_from')
export class InstitutionQcRecordEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'uuid' }) institutionId!: string;
  @ManyToOne(() => InstitutionEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'institution_id' })
  institution?: InstitutionEntity;
  @Column({ type: 'text' }) discipline!: Discipline;
  @Column({ type: 'date' }) passedFrom!: string;
  @Column({ type: 'date', nullable: true }) passedTo!: string | null;
  /** Who certified it, e.g. "省临床检验中心室间质评 2026-1". */
  @Column({ type: 'text' }) source!: string;
  @Column({ type: 'uuid' }) recordedBy!: string;
  @CreateDateColumn({ type: 'timestamptz' }) recordedAt!: Date;
  @Column({ type: 'timestamptz', nullable: true }) supersededAt!: Date | null;
  @Column({ type: 'uuid', nullable: true }) supersededBy!: string | null;
}
