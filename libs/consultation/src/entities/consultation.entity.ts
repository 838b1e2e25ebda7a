import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '@hub/auth';
import { ConsortiumEntity, InstitutionEntity } from '@hub/consortium';
import { PatientEntity } from '@hub/patients';
import type { ConsultationKind, ConsultationState } from '../domain/consultation-state.js';

/**
 * A remote consultation (远程会诊) or MDT session (多学科会诊): a clinic doctor's question about one patient, the lead
 * hospital's specialists who answer it, and the chair's signed conclusion. `lastSeq` numbers the live room's event log.
 */
@Entity('consultations')
@Index('idx_consultations_institution_created', ['requestingInstitutionId', 'createdAt'])
@Index('idx_consultations_consortium_state', ['consortiumId', 'state'])
@Check('chk_consultations_kind', "kind IN ('remote', 'mdt')")
@Check('chk_consultations_state', "state IN ('requested', 'scheduled', 'live', 'concluded', 'cancelled')")
@Check(
  'chk_consultations_signed_conclusion',
  '(conclusion_signed_at IS NULL) = (conclusion_signed_by IS NULL AND conclusion_hash IS NULL)',
)
export class ConsultationEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'uuid' }) consortiumId!: string;
  @ManyToOne(() => ConsortiumEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'consortium_id' })
  consortium?: ConsortiumEntity;
  @Column({ type: 'text' }) kind!: ConsultationKind;
  @Column({ type: 'text' }) state!: ConsultationState;
  @Column({ type: 'uuid' }) requestingInstitutionId!: string;
  @ManyToOne(() => InstitutionEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'requesting_institution_id' })
  requestingInstitution?: InstitutionEntity;
  @Column({ type: 'uuid' }) requestedByUserId!: string;
  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'requested_by_user_id' })
  requestedBy?: UserEntity;
  @Column({ type: 'uuid' }) patientId!: string;
  @ManyToOne(() => PatientEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'patient_id' })
  patient?: PatientEntity;
  @Column({ type: 'text' }) question!: string;
  @Column({ type: 'text' }) caseSummary!: string;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) requestedSpecialties!: string[];
  @Column({ type: 'timestamptz', nullable: true }) proposedAt!: Date | null;
  /** 知情同意: recorded by the requesting side; required before scheduling. */
  @Column({ type: 'timestamptz', nullable: true }) consentRecordedAt!: Date | null;
  @Column({ type: 'uuid', nullable: true }) consentRecordedBy!: string | null;
  @Column({ type: 'text', nullable: true }) consentNote!: string | null;
  @Column({ type: 'timestamptz', nullable: true }) scheduledAt!: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) startedAt!: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) endedAt!: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) cancelledAt!: Date | null;
  @Column({ type: 'text', nullable: true }) cancelReason!: string | null;
  @Column({ type: 'text', nullable: true }) conclusionText!: string | null;
  @Column({ type: 'timestamptz', nullable: true }) conclusionSignedAt!: Date | null;
  @Column({ type: 'uuid', nullable: true }) conclusionSignedBy!: string | null;
  @Column({ type: 'text', nullable: true }) conclusionHash!: string | null;
  /** Who attended, as the room's presence events recorded it, frozen when the conclusion was signed. */
  @Column({ type: 'jsonb', nullable: true }) attendance!: unknown[] | null;
  /** The room's event log: the sequence number of the last persisted event. */
  @Column({ type: 'bigint', default: 0 }) lastSeq!: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @Column({ type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
}
