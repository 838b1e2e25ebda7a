import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ReportEntity } from './report.entity.js';

/** A signed correction to a signed report; append-only (a trigger refuses changes), chained by hash. */
@Entity('report_addenda')
@Index('uq_report_addenda_seq', ['reportId', 'seq'], { unique: true })
export class ReportAddendumEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'uuid' }) reportId!: string;
  @ManyToOne(() => ReportEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'report_id' })
  report?: ReportEntity;
  @Column({ type: 'integer' }) seq!: number;
  @Column({ type: 'text' }) text!: string;
  @Column({ type: 'uuid' }) signedBy!: string;
  @Column({ type: 'timestamptz' }) signedAt!: Date;
  @Column({ type: 'text' }) contentHash!: string;
  /** The addendum corrects the result itself; mutual recognition of the report's result is withdrawn. */
  @Column({ type: 'boolean', default: false }) changesResult!: boolean;
}
