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
import type { ReportStatus, StructuredValue } from '../report-view.js';
import { ReadingTaskEntity } from './reading-task.entity.js';

/** The report of a task: the current draft, then the signed and immutable text (a trigger refuses later changes). */
@Entity('reports')
@Index('uq_reports_task', ['taskId'], { unique: true })
@Check('chk_reports_status', "status IN ('draft', 'submitted', 'signed')")
@Check(
  'chk_reports_signed',
  "(status = 'signed') = (signed_by IS NOT NULL AND signed_at IS NOT NULL AND content_hash IS NOT NULL)",
)
export class ReportEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'uuid' }) taskId!: string;
  @ManyToOne(() => ReadingTaskEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'task_id' })
  task?: ReadingTaskEntity;
  @Column({ type: 'text' }) status!: ReportStatus;
  @Column({ type: 'text', default: '' }) findings!: string;
  @Column({ type: 'text', default: '' }) impression!: string;
  @Column({ type: 'jsonb', default: {} }) structured!: Record<string, StructuredValue>;
  @Column({ type: 'integer' }) version!: number;
  @Column({ type: 'uuid' }) authorUserId!: string;
  @Column({ type: 'uuid', nullable: true }) signedBy!: string | null;
  @Column({ type: 'timestamptz', nullable: true }) signedAt!: Date | null;
  @Column({ type: 'text', nullable: true }) contentHash!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
