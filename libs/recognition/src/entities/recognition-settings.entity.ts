import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { ConsortiumEntity } from '@hub/consortium';

/** Per consortium: the scope named in its HR mark, and when its catalogue was first seeded with the defaults. */
@Entity('recognition_settings')
export class RecognitionSettingsEntity {
  @PrimaryColumn({ type: 'uuid' }) consortiumId!: string;
  @ManyToOne(() => ConsortiumEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'consortium_id' })
  consortium?: ConsortiumEntity;
  /** e.g. "通州区医共体": the mark reads "通州区医共体HR". */
  @Column({ type: 'text' }) hrScope!: string;
  @Column({ type: 'timestamptz' }) catalogueSeededAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
