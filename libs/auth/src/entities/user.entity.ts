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
import type { Role } from '@hub/core';

/**
 * An account. The institution relation is named by string: auth sits below the consortium lib and must not import it.
 * institution_id is null only for the platform administrator.
 */
@Entity('users')
@Index('uq_users_username', { synchronize: false })
@Check(
  'chk_users_roles',
  "cardinality(roles) > 0 AND roles <@ ARRAY['clinic_technician', 'clinic_doctor', 'reader', 'senior_reader', 'specialist', 'coordinator', 'admin', 'auditor']::text[]",
)
export class UserEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'text' }) username!: string;
  @Column({ type: 'text' }) displayName!: string;
  @Column({ type: 'text' }) passwordHash!: string;
  @Column({ type: 'uuid', nullable: true }) institutionId!: string | null;
  @ManyToOne('InstitutionEntity', { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'institution_id' })
  institution?: unknown;
  @Column({ type: 'text', array: true }) roles!: Role[];
  @Column({ type: 'boolean', default: true }) active!: boolean;
  @Column({ type: 'integer', default: 0 }) failedLoginCount!: number;
  @Column({ type: 'timestamptz', nullable: true }) lockedUntil!: Date | null;
  @Column({ type: 'text', nullable: true }) totpSecret!: string | null;
  @Column({ type: 'boolean', default: false }) totpEnabled!: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
