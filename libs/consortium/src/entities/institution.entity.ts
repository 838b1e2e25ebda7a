import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { InstitutionLevel } from '@hub/core';
import { ConsortiumEntity } from './consortium.entity.js';

@Entity('institutions')
@Index('uq_institutions_consortium_code', ['consortiumId', 'code'], { unique: true })
@Check('chk_institutions_level', "level IN ('tertiary', 'secondary', 'township', 'community', 'village')")
export class InstitutionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'uuid' }) consortiumId!: string;
  @ManyToOne(() => ConsortiumEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'consortium_id' })
  consortium?: ConsortiumEntity;
  @Column({ type: 'text' }) code!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) level!: InstitutionLevel;
  @Column({ type: 'text', nullable: true }) gridArea!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
