import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { StudyEntity } from './study.entity.js';

/** One uploaded file of a non-DICOM study (ECG tracing, slide, lab report); its bytes in the object store. */
@Entity('study_files')
@Index('idx_study_files_study', ['studyId'])
@Index('idx_study_files_object_key', ['objectKey'])
export class StudyFileEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'uuid' }) studyId!: string;
  @ManyToOne(() => StudyEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'study_id' })
  study?: StudyEntity;
  /** The client's file name with any path removed; shown to people, never used as a storage path. */
  @Column({ type: 'text' }) fileName!: string;
  /** Sniffed from the bytes, not taken from the client. */
  @Column({ type: 'text' }) mediaType!: string;
  /** What the sniffer recognised: pdf, hl7-aecg, scp-ecg, png, jpeg, tiff, hl7v2-oru, json. */
  @Column({ type: 'text' }) format!: string;
  @Column({ type: 'text' }) objectKey!: string;
  @Column({ type: 'bigint' }) size!: string;
  @Column({ type: 'text' }) sha256!: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
