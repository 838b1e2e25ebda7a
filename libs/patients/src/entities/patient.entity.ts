import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { ConsortiumEntity } from '@hub/consortium';

/** A person in the consortium's master patient index; local identifiers from each institution point here. */
@Entity('patients')
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
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
