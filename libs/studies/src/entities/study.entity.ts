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
import type { Discipline } from '@hub/core';
import { ConsortiumEntity, InstitutionEntity } from '@hub/consortium';
import { PatientEntity } from '@hub/patients';

/**
 * A study as a clinic sent it. The patient_* columns keep what the DICOM header said (QIDO answers with them); the
 * consortium patient it was matched to is patient_id.
 */
@Entity('studies')
@Index('uq_studies_study_instance_uid', ['studyInstanceUid'], { unique: true })
@Index('idx_studies_institution_date', ['institutionId', 'studyDate'])
@Index('idx_studies_patient', ['patientId'])
@Index('uq_studies_upload_accession', ['institutionId', 'accessionNumber'], {
  unique: true,
  where: 'study_instance_uid IS NULL AND accession_number IS NOT NULL',
})
@Check('chk_studies_discipline', "discipline IN ('imaging', 'ecg', 'lab', 'pathology')")
export class StudyEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'uuid' }) consortiumId!: string;
  @ManyToOne(() => ConsortiumEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'consortium_id' })
  consortium?: ConsortiumEntity;
  @Column({ type: 'uuid' }) institutionId!: string;
  @ManyToOne(() => InstitutionEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'institution_id' })
  institution?: InstitutionEntity;
  @Column({ type: 'uuid' }) patientId!: string;
  @ManyToOne(() => PatientEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'patient_id' })
  patient?: PatientEntity;
  @Column({ type: 'text' }) discipline!: Discipline;
  /** Set for DICOM studies; null for uploaded ECG, lab and pathology studies. */
  @Column({ type: 'text', nullable: true }) studyInstanceUid!: string | null;
  /** The consortium's exam or test code (recognition catalogue); given with uploads. */
  @Column({ type: 'text', nullable: true }) examCode!: string | null;
  /** When the examination was performed, as the clinic reported it (uploads). */
  @Column({ type: 'timestamptz', nullable: true }) performedAt!: Date | null;
  @Column({ type: 'text', nullable: true }) accessionNumber!: string | null;
  @Column({ type: 'date', nullable: true }) studyDate!: string | null;
  @Column({ type: 'text', nullable: true }) studyTime!: string | null;
  @Column({ type: 'text', nullable: true }) studyId!: string | null;
  @Column({ type: 'text', nullable: true }) description!: string | null;
  @Column({ type: 'text', nullable: true }) referringPhysicianName!: string | null;
  @Column({ type: 'text', nullable: true }) patientLocalId!: string | null;
  @Column({ type: 'text', nullable: true }) patientName!: string | null;
  @Column({ type: 'date', nullable: true }) patientBirthDate!: string | null;
  @Column({ type: 'text', nullable: true }) patientSex!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
