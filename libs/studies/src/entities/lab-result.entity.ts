import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { StudyEntity } from './study.entity.js';
import { StudyFileEntity } from './study-file.entity.js';

/** One lab value of a lab study, from structured JSON or an HL7 v2 ORU^R01 OBX segment. */
@Entity('lab_results')
@Index('idx_lab_results_study', ['studyId', 'position'])
@Index('idx_lab_results_loinc', ['loinc'])
@Check('chk_lab_results_flag', "abnormal_flag IS NULL OR abnormal_flag IN ('N', 'L', 'H', 'LL', 'HH', 'A', 'AA')")
export class LabResultEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'uuid' }) studyId!: string;
  @ManyToOne(() => StudyEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'study_id' })
  study?: StudyEntity;
  /** Order within the study, as reported. */
  @Column({ type: 'integer' }) position!: number;
  @Column({ type: 'text' }) itemCode!: string;
  @Column({ type: 'text' }) itemName!: string;
  @Column({ type: 'text', nullable: true }) loinc!: string | null;
  /** The value as reported (text keeps '<0.1', 'positive', '1:320'); numericValue when it is a plain number. */
  @Column({ type: 'text' }) value!: string;
  @Column({ type: 'double precision', nullable: true }) numericValue!: number | null;
  @Column({ type: 'text', nullable: true }) unit!: string | null;
  @Column({ type: 'text', nullable: true }) referenceRange!: string | null;
  @Column({ type: 'text', nullable: true }) abnormalFlag!: string | null;
  @Column({ type: 'timestamptz', nullable: true }) observedAt!: Date | null;
  /** The HL7 file it came from, when it came from one. */
  @Column({ type: 'uuid', nullable: true }) sourceFileId!: string | null;
  @ManyToOne(() => StudyFileEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'source_file_id' })
  sourceFile?: StudyFileEntity;
}
