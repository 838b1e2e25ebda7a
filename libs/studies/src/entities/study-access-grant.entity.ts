import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { StudyEntity } from './study.entity.js';

/** Who a study is shared with beyond the clinic that sent it: a reading centre today; an institution or a user later. */
export type StudyGranteeType = 'centre' | 'institution' | 'user';

/**
 * Why it is shared: the record whose life the grant follows (a reading request; a 互认 look-up that showed the result
 * as recognisable to another clinic; a consultation later).
 */
export type StudyAccessSourceType = 'reading_request' | 'consultation' | 'recognition_lookup';

/**
 * One study shared with one grantee for one reason. Active while not revoked and not expired; revoking keeps the row
 * (who could see what, and until when, stays answerable). The grantee is polymorphic (type + id, no foreign key), so
 * new kinds of grantee need no new column.
 */
@Entity('study_access_grants')
@Index('uq_study_access_grants_active', ['studyId', 'granteeType', 'granteeId', 'sourceType', 'sourceId'], {
  unique: true,
  where: 'revoked_at IS NULL',
})
@Index('idx_study_access_grants_grantee', ['granteeType', 'granteeId', 'studyId'], { where: 'revoked_at IS NULL' })
@Index('idx_study_access_grants_source', ['sourceType', 'sourceId'], { where: 'revoked_at IS NULL' })
@Check('chk_study_access_grants_grantee_type', "grantee_type IN ('centre', 'institution', 'user')")
@Check(
  'chk_study_access_grants_source_type',
  "source_type IN ('reading_request', 'consultation', 'recognition_lookup')",
)
@Check(
  'chk_study_access_grants_times',
  '(revoked_at IS NULL OR revoked_at >= granted_at) AND (expires_at IS NULL OR expires_at > granted_at)',
)
export class StudyAccessGrantEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'uuid' }) studyId!: string;
  @ManyToOne(() => StudyEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'study_id' })
  study?: StudyEntity;
  @Column({ type: 'text' }) granteeType!: StudyGranteeType;
  /** The centre, institution or user id, as granteeType says. */
  @Column({ type: 'uuid' }) granteeId!: string;
  @Column({ type: 'text' }) sourceType!: StudyAccessSourceType;
  @Column({ type: 'uuid' }) sourceId!: string;
  @CreateDateColumn({ type: 'timestamptz' }) grantedAt!: Date;
  @Column({ type: 'timestamptz', nullable: true }) expiresAt!: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) revokedAt!: Date | null;
}
