import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Discipline } from '@hub/core';
import { ConsortiumEntity } from '@hub/consortium';
import type { TemplateField } from '../domain/structured-fields.js';

/** The structured fields a consortium's reports of one exam carry (e.g. 12-lead ECG: rhythm, rate, PR, QRS, QTc). */
@Entity('report_templates')
@Index('uq_report_templates_exam', ['consortiumId', 'examCode'], { unique: true })
@Check('chk_report_templates_discipline', "discipline IN ('imaging', 'ecg', 'lab', 'pathology')")
export class ReportTemplateEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'uuid' }) consortiumId!: string;
  @ManyToOne(() => ConsortiumEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'consortium_id' })
  consortium?: ConsortiumEntity;
  @Column({ type: 'text' }) examCode!: string;
  @Column({ type: 'text' }) discipline!: Discipline;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'jsonb' }) fields!: TemplateField[];
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
