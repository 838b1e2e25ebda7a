import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { StudyEntity } from '@hub/studies';
import { ConsultationEntity } from './consultation.entity.js';

/** A study attached to a consultation (its signed reports come with it): exactly what the specialists may see. */
@Entity('consultation_materials')
@Index('uq_consultation_materials_study', ['consultationId', 'studyId'], { unique: true })
export class ConsultationMaterialEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'uuid' }) consultationId!: string;
  @ManyToOne(() => ConsultationEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'consultation_id' })
  consultation?: ConsultationEntity;
  @Column({ type: 'uuid' }) studyId!: string;
  @ManyToOne(() => StudyEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'study_id' })
  study?: StudyEntity;
  @Column({ type: 'timestamptz', default: () => 'now()' }) attachedAt!: Date;
}
