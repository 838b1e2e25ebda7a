import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '@hub/auth';
import { InstitutionEntity } from '@hub/consortium';
import type { Priority } from '@hub/core';

/**
 * A clinic's modality (a DR, CT or ultrasound machine) allowed to send to the hub's DICOM port: known by its calling AE
 * title, optionally only from the listed addresses. Whatever it sends is filed under its institution. When the clinic
 * turned auto-request on, a study that arrives from it gets a reading request made in the name of the clinic user who
 * turned it on.
 */
@Entity('dicom_modalities')
@Index('uq_dicom_modalities_ae_title', ['aeTitle'], { unique: true })
@Index('idx_dicom_modalities_institution', ['institutionId'])
@Check('chk_dicom_modalities_auto_request_priority', "auto_request_priority IN ('stat', 'urgent', 'routine')")
@Check('chk_dicom_modalities_auto_request_complete', '(auto_request_priority IS NULL) = (auto_request_user_id IS NULL)')
export class DicomModalityEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'uuid' }) institutionId!: string;
  @ManyToOne(() => InstitutionEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'institution_id' })
  institution?: InstitutionEntity;
  @Column({ type: 'varchar', length: 16 }) aeTitle!: string;
  /** IPv4/IPv6 addresses or CIDR ranges the modality may call from; empty: any address. */
  @Column({ type: 'text', array: true, default: () => "'{}'" }) addresses!: string[];
  @Column({ type: 'text', nullable: true }) description!: string | null;
  @Column({ type: 'text', nullable: true }) autoRequestPriority!: Priority | null;
  @Column({ type: 'boolean', default: false }) autoRequestReferral!: boolean;
  @Column({ type: 'uuid', nullable: true }) autoRequestUserId!: string | null;
  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'auto_request_user_id' })
  autoRequestUser?: UserEntity;
  @Column({ type: 'timestamptz', nullable: true }) autoRequestSetAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
