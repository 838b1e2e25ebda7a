import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail's guarantees live in the database, so no code path (nor a hand-written SQL session as the app role)
 * can skip them:
 * - appends are serialised by an advisory lock and chained: hash = sha256(json of the row's fields incl. prev_hash);
 * - UPDATE, DELETE and TRUNCATE raise, for every role (the app role also lacks the grants: see migrateDatabase).
 * Also: usernames are unique regardless of case.
 */
export class AuditTrail1795333900000 implements MigrationInterface {
  name = 'AuditTrail1795333900000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_users_username" ON "users" (lower("username"))`);
    await queryRunner.query(`CREATE SEQUENCE "audit_events_id_seq" AS bigint OWNED BY "audit_events"."id"`);
    await queryRunner.query(`
      CREATE FUNCTION audit_event_digest(e audit_events) RETURNS text
      LANGUAGE sql IMMUTABLE AS $$
        SELECT encode(sha256(convert_to(jsonb_build_array(
          e.id::text, e.prev_hash, (extract(epoch FROM e.occurred_at) * 1000000)::bigint::text,
          e.actor_user_id, e.actor_username, e.actor_roles, e.actor_institution_id,
          e.action, e.object_type, e.object_id, e.patient_id, e.outcome, e.source_ip, e.request_id, e.details
        )::text, 'UTF8')), 'hex')
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION audit_events_append() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE
        last_hash text;
      BEGIN
        -- One writer at a time until commit, and ids taken under the lock, so id order is chain order.
        PERFORM pg_advisory_xact_lock(hashtext('audit_events_chain'));
        NEW.id := nextval('audit_events_id_seq');
        NEW.occurred_at := clock_timestamp();
        SELECT hash INTO last_hash FROM audit_events ORDER BY id DESC LIMIT 1;
        NEW.prev_hash := coalesce(last_hash, 'genesis');
        NEW.hash := audit_event_digest(NEW);
        RETURN NEW;
      END
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION audit_events_refuse_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await queryRunner.query(
      `CREATE TRIGGER audit_events_append BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER audit_events_no_truncate ON audit_events`);
    await queryRunner.query(`DROP TRIGGER audit_events_no_change ON audit_events`);
    await queryRunner.query(`DROP TRIGGER audit_events_append ON audit_events`);
    await queryRunner.query(`DROP FUNCTION audit_events_refuse_change()`);
    await queryRunner.query(`DROP FUNCTION audit_events_append()`);
    await queryRunner.query(`DROP FUNCTION audit_event_digest(audit_events)`);
    await queryRunner.query(`DROP SEQUENCE "audit_events_id_seq"`);
    await queryRunner.query(`DROP INDEX "uq_users_username"`);
  }
}
