import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Discipline } from '@hub/core';
import { UserEntity } from '@hub/auth';

/** What a user may do in a discipline's reading queue: read (draft, submit) or also sign. */
@Entity('reading_privileges')
@Check('chk_reading_privileges_discipline', "discipline IN ('imaging', 'ecg', 'lab', 'pathology')")
export class ReadingPrivilegeEntity {
  @PrimaryColumn({ type: 'uuid' }) userId!: string;
  @PrimaryColumn({ type: 'text' }) discipline!: Discipline;
  @Column({ type: 'boolean', default: false }) canSign!: boolean;
  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;
}
