import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { StructuredValue } from '../report-view.js';
import { ReportEntity } from './report.entity.js';

/** Every saved draft, kept: who wrote what when, up to the signed version. */
@Entity('report_versions')
export class ReportVersionEntity {
  @PrimaryColumn({ type: 'uuid' }) reportId!: string;
  @PrimaryColumn({ type: 'integer' }) version!: number;
  @ManyToOne(() => ReportEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'report_id' })
  report?: ReportEntity;
  @Column({ type: 'text' }) findings!: string;
  @Column({ type: 'text' }) impression!: string;
  @Column({ type: 'jsonb' }) structured!: Record<string, StructuredValue>;
  @Column({ type: 'uuid' }) savedBy!: string;
  @Column({ type: 'timestamptz' }) savedAt!: Date;
}
