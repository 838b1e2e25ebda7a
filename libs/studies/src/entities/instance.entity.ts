import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { DicomJsonDataset } from '../dicom/parsed-instance.js';
import { SeriesEntity } from './series.entity.js';
import { StudyEntity } from './study.entity.js';

/** One stored SOP instance: unique by SOP Instance UID, its bytes in the object store under object_key. */
@Entity('instances')
@Index('uq_instances_sop_instance_uid', ['sopInstanceUid'], { unique: true })
@Index('idx_instances_series', ['seriesId'])
@Index('idx_instances_study', ['studyId'])
@Index('idx_instances_object_key', ['objectKey'])
export class InstanceEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'uuid' }) studyId!: string;
  @ManyToOne(() => StudyEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'study_id' })
  study?: StudyEntity;
  @Column({ type: 'uuid' }) seriesId!: string;
  @ManyToOne(() => SeriesEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'series_id' })
  series?: SeriesEntity;
  @Column({ type: 'text' }) sopInstanceUid!: string;
  @Column({ type: 'text' }) sopClassUid!: string;
  @Column({ type: 'text' }) transferSyntaxUid!: string;
  @Column({ type: 'integer', nullable: true }) instanceNumber!: number | null;
  @Column({ type: 'integer', nullable: true }) numberOfFrames!: number | null;
  @Column({ type: 'integer', nullable: true }) rows!: number | null;
  @Column({ type: 'integer', nullable: true }) columns!: number | null;
  @Column({ type: 'text' }) objectKey!: string;
  @Column({ type: 'bigint' }) size!: string;
  @Column({ type: 'text' }) sha256!: string;
  @Column({ type: 'jsonb' }) metadata!: DicomJsonDataset;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
