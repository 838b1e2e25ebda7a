import { Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CentreEntity } from './centre.entity.js';
import { InstitutionEntity } from './institution.entity.js';

@Entity('centre_served_institutions')
export class CentreServedInstitutionEntity {
  @PrimaryColumn({ type: 'uuid' }) centreId!: string;
  @PrimaryColumn({ type: 'uuid' }) institutionId!: string;
  @ManyToOne(() => CentreEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'centre_id' })
  centre?: CentreEntity;
  @ManyToOne(() => InstitutionEntity, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'institution_id' })
  institution?: InstitutionEntity;
}
