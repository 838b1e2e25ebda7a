import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { InstitutionEntity } from '@hub/consortium';
import { PatientEntity } from './patient.entity.js';

/** (issuing institution, local patient id) → consortium patient. */
@Entity('patient_identifiers')
@Index('idx_patient_identifiers_patient', ['patientId'])
export class PatientIdentifierEntity {
  @PrimaryColumn({ type: 'uuid' }) institutionId!: string;
  @PrimaryColumn({ type: 'text' }) localId!: string;
  @Column({ type: 'uuid' }) patientId!: string;
  /** IssuerOfPatientID as the institution first sent it (its HIS, its PACS …); informational, not part of the key. */
  @Column({ type: 'text', nullable: true }) issuer!: string | null;
  @ManyToOne(() => InstitutionEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'institution_id' })
  institution?: InstitutionEntity;
  @ManyToOne(() => PatientEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'patient_id' })
  patient?: PatientEntity;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
