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
import { ConsortiumEntity } from '@hub/consortium';

/** A person in the consortium's master patient index; local identifiers from each institution point here. */
@Entity('patients')
@Index('uq_patients_national_id_hash', ['consortiumId', 'nationalIdHash'], {
  unique: true,
  where: 'national_id_hash IS NOT NULL',
})
@Check('chk_patients_sex', "sex IS NULL OR sex IN ('M', 'F', 'O', 'U')")
export class PatientEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'uuid' }) consortiumId!: string;
  @ManyToOne(() => ConsortiumEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'consortium_id' })
  consortium?: ConsortiumEntity;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', nullable: true }) sex!: string | null;
  @Column({ type: 'date', nullable: true }) birthDate!: string | null;
  /** HMAC-SHA256 of the national resident identity number under PATIENT_ID_HMAC_KEY: links records, reveals nothing. */
  @Column({ type: 'text', nullable: true }) nationalIdHash!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
