import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ConsortiumEntity, InstitutionEntity } from '@hub/consortium';
import { PatientEntity } from '@hub/patients';

export interface LookupCandidate {
  resultId: string;
  recognisable: boolean;
  reason: string | null;
}

/** Every look-up before a repeat test, with its serial number and what it showed; decisions cite it. */
@Entity('recognition_lookups')
@Index('uq_recognition_lookups_serial', ['serial'], { unique: true })
@Index('idx_recognition_lookups_patient', ['patientId', 'createdAt'])
export class RecognitionLookupEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'text' }) serial!: string;
  @Column({ type: 'uuid' }) consortiumId!: string;
  @ManyToOne(() => ConsortiumEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'consortium_id' })
  consortium?: ConsortiumEntity;
  @Column({ type: 'uuid' }) patientId!: string;
  @ManyToOne(() => PatientEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'patient_id' })
  patient?: PatientEntity;
  @Column({ type: 'text' }) itemCode!: string;
  @Column({ type: 'uuid' }) institutionId!: string;
  @ManyToOne(() => InstitutionEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'institution_id' })
  institution?: InstitutionEntity;
  @Column({ type: 'uuid' }) userId!: string;
  @Column({ type: 'jsonb' }) candidates!: LookupCandidate[];
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
