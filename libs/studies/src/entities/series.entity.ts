import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { StudyEntity } from './study.entity.js';

@Entity('series')
@Index('uq_series_series_instance_uid', ['seriesInstanceUid'], { unique: true })
@Index('idx_series_study', ['studyId'])
export class SeriesEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'uuid' }) studyId!: string;
  @ManyToOne(() => StudyEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'study_id' })
  study?: StudyEntity;
  @Column({ type: 'text' }) seriesInstanceUid!: string;
  @Column({ type: 'text', nullable: true }) modality!: string | null;
  @Column({ type: 'integer', nullable: true }) seriesNumber!: number | null;
  @Column({ type: 'text', nullable: true }) description!: string | null;
  @Column({ type: 'text', nullable: true }) bodyPart!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
