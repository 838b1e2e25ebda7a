import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit retention: events older than the retention window may be removed, and the hash chain must still verify.
 * audit_prune(cutoff, max_events) removes the oldest sealed links and their events (a prefix of the chain, never the
 * newest link, so the sealer always has a predecessor), records where verification now starts in
 * audit_chain_anchors (the last removed link's seq and hash) and appends an 'audit.retention' event naming that anchor,
 * which the chain then seals: an anchor no chained event corroborates is a broken chain.
 *
 * The append-only triggers of audit_events and audit_chain let a DELETE through only inside audit_prune (a transaction
 * setting it sets); the function runs as the schema owner (the app role has no DELETE grant on those tables) and refuses
 * a cutoff less than 183 days ago, so even a compromised hub process cannot remove recent events.
 */
export class AuditRetention1795384822867 implements MigrationInterface {
  name = 'AuditRetention1795384822867';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "audit_chain_anchors" ("through_seq" bigint NOT NULL, "hash" text NOT NULL, "removed_events" integer NOT NULL, "cutoff" TIMESTAMP WITH TIME ZONE NOT NULL, "event_id" bigint NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f3d158f26c94fa9aa0e6322cafd" PRIMARY KEY ("through_seq"))',
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_chain_anchors_append_only BEFORE UPDATE OR DELETE ON audit_chain_anchors FOR EACH ROW EXECUTE FUNCTION append_only_refuse_change()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_chain_anchors_no_truncate BEFORE TRUNCATE ON audit_chain_anchors FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse_change()`,
    );
    await queryRunner.query(`
      CREATE FUNCTION audit_refuse_change_unless_pruning() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND current_setting('hub.audit_pruning', true) = 'on' THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await queryRunner.query('DROP TRIGGER audit_events_no_change ON audit_events');
    await queryRunner.query(
      'CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_refuse_change_unless_pruning()',
    );
    await queryRunner.query('DROP TRIGGER audit_chain_append_only ON audit_chain');
    await queryRunner.query(
      'CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain FOR EACH ROW EXECUTE FUNCTION audit_refuse_change_unless_pruning()',
    );
    await queryRunner.query(`
      CREATE FUNCTION audit_prune(cutoff timestamptz, max_events integer) RETURNS integer
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      DECLARE
        anchor_seq bigint;
        newest_seq bigint;
        first_kept bigint;
        through bigint;
        through_hash text;
        gone bigint[];
        retention_event bigint;
      BEGIN
        IF cutoff > now() - interval '183 days' THEN
          RAISE EXCEPTION 'audit events are kept at least 183 days: cutoff % refused', cutoff
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        -- The sealer appends to the chain under this lock: the prefix removed here is never being extended.
        PERFORM pg_advisory_xact_lock(hashtext('audit_chain_sealer'));
        SELECT coalesce(max(a.through_seq), 0) INTO anchor_seq FROM audit_chain_anchors a;
        SELECT max(c.seq) INTO newest_seq FROM audit_chain c;
        IF newest_seq IS NULL THEN
          RETURN 0;
        END IF;
        SELECT min(c.seq) INTO first_kept
          FROM audit_chain c JOIN audit_events e ON e.id = c.event_id
         WHERE c.seq > anchor_seq AND e.occurred_at >= cutoff;
        through := least(coalesce(first_kept, newest_seq + 1) - 1, newest_seq - 1, anchor_seq + max_events);
        IF through <= anchor_seq THEN
          RETURN 0;
        END IF;
        SELECT c.hash INTO through_hash FROM audit_chain c WHERE c.seq = through;
        PERFORM set_config('hub.audit_pruning', 'on', true);
        WITH removed AS (DELETE FROM audit_chain c WHERE c.seq > anchor_seq AND c.seq <= through RETURNING c.event_id)
        SELECT array_agg(event_id) INTO gone FROM removed;
        DELETE FROM audit_events e WHERE e.id = ANY (gone);
        PERFORM set_config('hub.audit_pruning', 'off', true);
        INSERT INTO audit_events (actor_roles, action, object_type, object_id, outcome, details)
        VALUES ('{}', 'audit.retention', 'audit_trail', through::text, 'success',
                jsonb_build_object('throughSeq', through::text, 'anchorHash', through_hash,
                                   'removedEvents', cardinality(gone), 'cutoff', cutoff))
        RETURNING id INTO retention_event;
        INSERT INTO audit_chain_anchors (through_seq, hash, removed_events, cutoff, event_id)
        VALUES (through, through_hash, cardinality(gone), cutoff, retention_event);
        RETURN cardinality(gone);
      END
      $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DO $$ BEGIN IF EXISTS (SELECT 1 FROM audit_chain_anchors) THEN
         RAISE EXCEPTION 'audit events were removed by retention: the chain no longer starts at genesis, cannot revert';
       END IF; END $$`,
    );
    await queryRunner.query('DROP FUNCTION audit_prune(timestamptz, integer)');
    await queryRunner.query('DROP TRIGGER audit_chain_append_only ON audit_chain');
    await queryRunner.query(
      'CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain FOR EACH ROW EXECUTE FUNCTION append_only_refuse_change()',
    );
    await queryRunner.query('DROP TRIGGER audit_events_no_change ON audit_events');
    await queryRunner.query(
      'CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()',
    );
    await queryRunner.query('DROP FUNCTION audit_refuse_change_unless_pruning()');
    await queryRunner.query('DROP TRIGGER audit_chain_anchors_no_truncate ON audit_chain_anchors');
    await queryRunner.query('DROP TRIGGER audit_chain_anchors_append_only ON audit_chain_anchors');
    await queryRunner.query('DROP TABLE "audit_chain_anchors"');
  }
}
