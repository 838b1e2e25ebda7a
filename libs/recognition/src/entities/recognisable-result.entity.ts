import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Discipline } from '@hub/core';
import { ConsortiumEntity, InstitutionEntity } from '@hub/consortium';
import { PatientEntity } from '@hub/patients';
import { ReportEntity } from '@hub/reading';
import { StudyEntity } from '@hub/studies';

/**
 * A signed result that may be recognised elsewhere: created when its report is signed, withdrawn when a signed
 * addendum corrects it. Whether it is recognisable today (catalogue, QC, validity) is judged at each look-up.
 */
@Entity('recognisable_results')
@Index('uq_recognisable_results_report', ['reportId'], { unique: true })
@Index('idx_recognisable_results_lookup', ['patientId', 'itemCode', 'performedAt'])
export class RecognisableResultEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'uuid' }) consortiumId!: string;
  @ManyToOne(() => ConsortiumEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'consortium_id' })
  consortium?: ConsortiumEntity;
  @Column({ type: 'uuid' }) patientId!: string;
  @ManyToOne(() => PatientEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'patient_id' })
  patient?: PatientEntity;
  @Column({ type: 'uuid' }) studyId!: string;
  @ManyToOne(() => StudyEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'study_id' })
  study?: StudyEntity;
  @Column({ type: 'uuid' }) reportId!: string;
  @ManyToOne(() => ReportEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'report_id' })
  report?: ReportEntity;
  @Column({ type: 'text' }) itemCode!: string;
  @Column({ type: 'text' }) discipline!: Discipline;
  @Column({ type: 'uuid' }) performingInstitutionId!: string;
  @ManyToOne(() => InstitutionEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'performing_institution_id' })
  performingInstitution?: InstitutionEntity;
  @Column({ type: 'timestamptz' }) performedAt!: Date;
  @Column({ type: 'timestamptz' }) signedAt!: Date;
  @Column({ type: 'timestamptz', nullable: true }) withdrawnAt!: Date | null;
  @Column({ type: 'text', nullable: true }) withdrawnReason!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
