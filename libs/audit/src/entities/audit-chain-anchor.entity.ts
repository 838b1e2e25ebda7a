import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Where verification of the hash chain starts once retention has removed its oldest links: the last removed link's
 * seq and hash, with the 'audit.retention' event (itself chained) that records the removal. Append-only; written only
 * by the database function audit_prune.
 */
@Entity('audit_chain_anchors')
export class AuditChainAnchorEntity {
  @PrimaryColumn({ type: 'bigint' }) throughSeq!: string;
  @Column({ type: 'text' }) hash!: string;
  @Column({ type: 'integer' }) removedEvents!: number;
  @Column({ type: 'timestamptz' }) cutoff!: Date;
  @Column({ type: 'bigint' }) eventId!: string;
  @Column({ type: 'timestamptz', default: () => 'now()' }) createdAt!: Date;
}
