import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from './user.entity.js';

/** One login: the family of rotated refresh tokens. Revoking it ends the session's access tokens too. */
@Entity('auth_sessions')
export class AuthSessionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'uuid' }) userId!: string;
  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;
  @Column({ type: 'boolean', default: false }) mfa!: boolean;
  @Column({ type: 'timestamptz' }) expiresAt!: Date;
  @Column({ type: 'timestamptz', nullable: true }) revokedAt!: Date | null;
  @Column({ type: 'text', nullable: true }) revokedReason!: string | null;
  @Column({ type: 'text', nullable: true }) sourceIp!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
