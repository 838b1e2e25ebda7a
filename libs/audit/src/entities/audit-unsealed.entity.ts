import { Entity, PrimaryColumn } from 'typeorm';

/** Events committed (or about to be) but not yet linked into audit_chain: the sealer's work list. */
@Entity('audit_unsealed')
export class AuditUnsealedEntity {
  @PrimaryColumn({ type: 'bigint' }) eventId!: string;
}
