import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ConsortiumEntity, InstitutionEntity } from '@hub/consortium';
import { PatientEntity } from '@hub/patients';
import type { Decision, NotRecognisedReason } from '../domain/not-recognised-reasons.js';
import { RecognisableResultEntity } from './recognisable-result.entity.js';
import { RecognitionLookupEntity } from './recognition-lookup.entity.js';

/** A receiving doctor's decision on one result of a look-up: append-only, one per look-up and result. */
@Entity('recognition_decisions')
@Index('uq_recognition_decisions_once', ['lookupId', 'resultId'], { unique: true })
@Index('idx_recognition_decisions_patient', ['patientId', 'createdAt'])
@Index('idx_recognition_decisions_stats', ['consortiumId', 'createdAt'])
@Check('chk_recognition_decisions_decision', "decision IN ('recognised', 'not_recognised')")
@Check(
  'chk_recognition_decisions_reason',
  "(decision = 'recognised' AND reason_code IS NULL) OR (decision = 'not_recognised' AND reason_code IS NOT NULL)",
)
export class RecognitionDecisionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'uuid' }) lookupId!: string;
  @ManyToOne(() => RecognitionLookupEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'lookup_id' })
  lookup?: RecognitionLookupEntity;
  @Column({ type: 'uuid' }) resultId!: string;
  @ManyToOne(() => RecognisableResultEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'result_id' })
  result?: RecognisableResultEntity;
  @Column({ type: 'uuid' }) consortiumId!: string;
  @ManyToOne(() => ConsortiumEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'consortium_id' })
  consortium?: ConsortiumEntity;
  @Column({ type: 'uuid' }) patientId!: string;
  @ManyToOne(() => PatientEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'patient_id' })
  patient?: PatientEntity;
  /** The institution whose doctor decided (the one that would have repeated the test). */
  @Column({ type: 'uuid' }) institutionId!: string;
  @ManyToOne(() => InstitutionEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'institution_id' })
  institution?: InstitutionEntity;
  @Column({ type: 'uuid' }) decidedBy!: string;
  @Column({ type: 'text' }) itemCode!: string;
  @Column({ type: 'text' }) decision!: Decision;
  @Column({ type: 'text', nullable: true }) reasonCode!: NotRecognisedReason | null;
  @Column({ type: 'text', nullable: true }) note!: string | null;
  @Column({ type: 'boolean' }) patientInformed!: boolean;
  /** The item's price when decided: what a recognised result saved the patient (for the statistics). */
  @Column({ type: 'numeric', precision: 10, scale: 2 }) priceYuan!: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
