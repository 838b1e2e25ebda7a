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
import type { Discipline } from '@hub/core';
import { ConsortiumEntity } from '@hub/consortium';

/** One item of a consortium's mutual-recognition catalogue (互认项目目录), matched to studies by exam code. */
@Entity('recognition_items')
@Index('uq_recognition_items_code', ['consortiumId', 'code'], { unique: true })
@Check('chk_recognition_items_discipline', "discipline IN ('imaging', 'ecg', 'lab', 'pathology')")
@Check('chk_recognition_items_validity', 'validity_days > 0')
@Check('chk_recognition_items_price', 'price_yuan >= 0')
export class RecognitionItemEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'uuid' }) consortiumId!: string;
  @ManyToOne(() => ConsortiumEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'consortium_id' })
  consortium?: ConsortiumEntity;
  @Column({ type: 'text' }) code!: string;
  @Column({ type: 'text' }) nameZh!: string;
  @Column({ type: 'text' }) nameEn!: string;
  @Column({ type: 'text' }) discipline!: Discipline;
  @Column({ type: 'integer' }) validityDays!: number;
  @Column({ type: 'numeric', precision: 10, scale: 2 }) priceYuan!: string;
  /** Taken out of the catalogue: its results are no longer recognisable (kept for history and statistics). */
  @Column({ type: 'boolean', default: true }) active!: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
