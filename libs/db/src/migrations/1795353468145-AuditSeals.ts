import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit hash chain moves out of the writing transaction. Before, the insert trigger took an advisory lock held to
 * commit and chained each event to the last one, so every audited write in the hub waited for every other (measured:
 * most of a claim's latency under 32 readers). Now the trigger only numbers the event and queues it in
 * audit_unsealed; the sealer (audit_seal, called by the hub after commit) links committed events into audit_chain
 * in id order, one sealer at a time. The events stay append-only; so does the chain.
 *
 * Existing hashes carry over unchanged: the digest is the same expression, with the previous hash passed in.
 */
/** The event digest, unchanged from migration AuditTrail but for where the previous hash comes from. */
const digestFunction = (parameters: string, previousHash: string): string => `
  CREATE FUNCTION audit_event_digest(${parameters}) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(convert_to(jsonb_build_array(
      e.id::text, ${previousHash}, (extract(epoch FROM e.occurred_at) * 1000000)::bigint::text,
      e.actor_user_id, e.actor_username, e.actor_roles, e.actor_institution_id,
      e.action, e.object_type, e.object_id, e.patient_id, e.outcome, e.source_ip, e.request_id, e.details
    )::text, 'UTF8')), 'hex')
  $$`;

export class AuditSeals1795353468145 implements MigrationInterface {
  name = 'AuditSeals1795353468145';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "audit_chain" ("seq" bigint NOT NULL, "event_id" bigint NOT NULL, "prev_hash" text NOT NULL, "hash" text NOT NULL, "sealed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d31e87c3f18459d04fe709c30a5" PRIMARY KEY ("seq"))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_audit_chain_event" ON "audit_chain"  ("event_id") ');
    await queryRunner.query(
      'CREATE TABLE "audit_unsealed" ("event_id" bigint NOT NULL, CONSTRAINT "PK_4b78d2d4bfa8cac21c4144d1b63" PRIMARY KEY ("event_id"))',
    );
    await queryRunner.query(
      `INSERT INTO audit_chain (seq, event_id, prev_hash, hash, sealed_at)
       SELECT row_number() OVER (ORDER BY id), id, prev_hash, hash, occurred_at FROM audit_events`,
    );
    await queryRunner.query('DROP TRIGGER audit_events_append ON audit_events');
    await queryRunner.query('DROP FUNCTION audit_events_append()');
    await queryRunner.query('DROP FUNCTION audit_event_digest(audit_events)');
    await queryRunner.query('ALTER TABLE "audit_events" DROP COLUMN "prev_hash"');
    await queryRunner.query('ALTER TABLE "audit_events" DROP COLUMN "hash"');
    await queryRunner.query(
      'ALTER TABLE "audit_chain" ADD CONSTRAINT "FK_25e5b308039a32adc42d63c8085" FOREIGN KEY ("event_id") REFERENCES "audit_events"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(digestFunction('e audit_events, prev_hash text', 'prev_hash'));
    await queryRunner.query(`
      CREATE FUNCTION audit_events_append() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        NEW.id := nextval('audit_events_id_seq');
        NEW.occurred_at := clock_timestamp();
        INSERT INTO audit_unsealed (event_id) VALUES (NEW.id);
        RETURN NEW;
      END
      $$`);
    await queryRunner.query(
      `CREATE TRIGGER audit_events_append BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append()`,
    );
    // Only committed events are visible to the sealer; one still in flight is sealed by a later run.
    await queryRunner.query(`
      CREATE FUNCTION audit_seal(max_events integer, wait boolean) RETURNS integer
      LANGUAGE plpgsql AS $$
      DECLARE
        last_seq bigint;
        last_hash text;
        e audit_events;
        sealed_ids bigint[] := '{}';
      BEGIN
        IF wait THEN
          PERFORM pg_advisory_xact_lock(hashtext('audit_chain_sealer'));
        ELSIF NOT pg_try_advisory_xact_lock(hashtext('audit_chain_sealer')) THEN
          RETURN 0;
        END IF;
        SELECT c.seq, c.hash INTO last_seq, last_hash FROM audit_chain c ORDER BY c.seq DESC LIMIT 1;
        last_seq := coalesce(last_seq, 0);
        last_hash := coalesce(last_hash, 'genesis');
        FOR e IN
          SELECT ev.* FROM audit_unsealed u JOIN audit_events ev ON ev.id = u.event_id ORDER BY u.event_id LIMIT max_events
        LOOP
          last_seq := last_seq + 1;
          INSERT INTO audit_chain (seq, event_id, prev_hash, hash)
            VALUES (last_seq, e.id, last_hash, audit_event_digest(e, last_hash))
            RETURNING hash INTO last_hash;
          sealed_ids := sealed_ids || e.id;
        END LOOP;
        DELETE FROM audit_unsealed WHERE event_id = ANY (sealed_ids);
        RETURN cardinality(sealed_ids);
      END
      $$`);
    for (const table of ['audit_chain']) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION append_only_refuse_change()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse_change()`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER audit_chain_no_truncate ON audit_chain');
    await queryRunner.query('DROP TRIGGER audit_chain_append_only ON audit_chain');
    await queryRunner.query('DROP FUNCTION audit_seal(integer, boolean)');
    await queryRunner.query('DROP TRIGGER audit_events_append ON audit_events');
    await queryRunner.query('DROP FUNCTION audit_events_append()');
    await queryRunner.query('DROP FUNCTION audit_event_digest(audit_events, text)');
    await queryRunner.query('ALTER TABLE "audit_chain" DROP CONSTRAINT "FK_25e5b308039a32adc42d63c8085"');
    // Events never sealed cannot get their old columns back.
    await queryRunner.query(
      `DO $$ BEGIN IF EXISTS (SELECT 1 FROM audit_unsealed) THEN
         RAISE EXCEPTION 'seal the audit trail (SELECT audit_seal(1000000, true)) before reverting';
       END IF; END $$`,
    );
    await queryRunner.query('ALTER TABLE "audit_events" ADD "hash" text');
    await queryRunner.query('ALTER TABLE "audit_events" ADD "prev_hash" text');
    await queryRunner.query('SET LOCAL session_replication_role = replica');
    await queryRunner.query(
      'UPDATE audit_events e SET hash = c.hash, prev_hash = c.prev_hash FROM audit_chain c WHERE c.event_id = e.id',
    );
    await queryRunner.query('SET LOCAL session_replication_role = origin');
    await queryRunner.query('ALTER TABLE "audit_events" ALTER COLUMN "hash" SET NOT NULL');
    await queryRunner.query('ALTER TABLE "audit_events" ALTER COLUMN "prev_hash" SET NOT NULL');
    await queryRunner.query(digestFunction('e audit_events', 'e.prev_hash'));
    await queryRunner.query(`
      CREATE FUNCTION audit_events_append() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE
        last_hash text;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('audit_events_chain'));
        NEW.id := nextval('audit_events_id_seq');
        NEW.occurred_at := clock_timestamp();
        SELECT hash INTO last_hash FROM audit_events ORDER BY id DESC LIMIT 1;
        NEW.prev_hash := coalesce(last_hash, 'genesis');
        NEW.hash := audit_event_digest(NEW);
        RETURN NEW;
      END
      $$`);
    await queryRunner.query(
      `CREATE TRIGGER audit_events_append BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append()`,
    );
    await queryRunner.query('DROP TABLE "audit_unsealed"');
    await queryRunner.query('DROP INDEX "public"."uq_audit_chain_event"');
    await queryRunner.query('DROP TABLE "audit_chain"');
  }
}
