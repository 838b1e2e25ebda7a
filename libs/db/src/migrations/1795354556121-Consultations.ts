import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consultations (远程会诊 / MDT): the request, its participants and attached studies, and the live room's durable event
 * log (numbered per consultation; append-only). A signed conclusion is immutable (trigger).
 */
export class Consultations1795354556121 implements MigrationInterface {
  name = 'Consultations1795354556121';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "consultations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "consortium_id" uuid NOT NULL, "kind" text NOT NULL, "state" text NOT NULL, "requesting_institution_id" uuid NOT NULL, "requested_by_user_id" uuid NOT NULL, "patient_id" uuid NOT NULL, "question" text NOT NULL, "case_summary" text NOT NULL, "requested_specialties" text array NOT NULL DEFAULT \'{}\', "proposed_at" TIMESTAMP WITH TIME ZONE, "consent_recorded_at" TIMESTAMP WITH TIME ZONE, "consent_recorded_by" uuid, "consent_note" text, "scheduled_at" TIMESTAMP WITH TIME ZONE, "started_at" TIMESTAMP WITH TIME ZONE, "ended_at" TIMESTAMP WITH TIME ZONE, "cancelled_at" TIMESTAMP WITH TIME ZONE, "cancel_reason" text, "conclusion_text" text, "conclusion_signed_at" TIMESTAMP WITH TIME ZONE, "conclusion_signed_by" uuid, "conclusion_hash" text, "attendance" jsonb, "last_seq" bigint NOT NULL DEFAULT \'0\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_consultations_signed_conclusion" CHECK ((conclusion_signed_at IS NULL) = (conclusion_signed_by IS NULL AND conclusion_hash IS NULL)), CONSTRAINT "chk_consultations_state" CHECK (state IN (\'requested\', \'scheduled\', \'live\', \'concluded\', \'cancelled\')), CONSTRAINT "chk_consultations_kind" CHECK (kind IN (\'remote\', \'mdt\')), CONSTRAINT "PK_c5b78e9424d9bc68464f6a12103" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_consultations_consortium_state" ON "consultations"  ("consortium_id", "state") ',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_consultations_institution_created" ON "consultations"  ("requesting_institution_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "consultation_participants" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "consultation_id" uuid NOT NULL, "user_id" uuid NOT NULL, "role" text NOT NULL, "specialty" text, "invited_by" uuid, "invited_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "withdrawn_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "chk_consultation_participants_role" CHECK (role IN (\'chair\', \'specialist\', \'requester\', \'coordinator\')), CONSTRAINT "PK_b05dfeae4e0ab35985a37662857" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_consultation_participants_user" ON "consultation_participants"  ("user_id") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_consultation_participants_user" ON "consultation_participants"  ("consultation_id", "user_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "consultation_materials" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "consultation_id" uuid NOT NULL, "study_id" uuid NOT NULL, "attached_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ca5a3b854398eb620055252ae4c" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_consultation_materials_study" ON "consultation_materials"  ("consultation_id", "study_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "consultation_events" ("consultation_id" uuid NOT NULL, "seq" bigint NOT NULL, "type" text NOT NULL, "actor_user_id" uuid, "actor_name" text, "client_msg_id" text, "payload" jsonb NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), CONSTRAINT "PK_819246011b8bb5661ea92b59c0d" PRIMARY KEY ("consultation_id", "seq"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_consultation_events_client_msg" ON "consultation_events"  ("consultation_id", "actor_user_id", "client_msg_id") WHERE client_msg_id IS NOT NULL',
    );
    await queryRunner.query(
      'ALTER TABLE "consultations" ADD CONSTRAINT "FK_52e107c22a015df91a93e85e88f" FOREIGN KEY ("consortium_id") REFERENCES "consortia"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "consultations" ADD CONSTRAINT "FK_a6e835a694baeff47c0e76edbab" FOREIGN KEY ("requesting_institution_id") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "consultations" ADD CONSTRAINT "FK_2032da8a4510963bc1b48c0f187" FOREIGN KEY ("requested_by_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "consultations" ADD CONSTRAINT "FK_ee6c335246d3b937f11c329c837" FOREIGN KEY ("patient_id") REFERENCES "patients"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "consultation_participants" ADD CONSTRAINT "FK_ef18edf7a0101ccc8b1b846d042" FOREIGN KEY ("consultation_id") REFERENCES "consultations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "consultation_participants" ADD CONSTRAINT "FK_41c42ee261fbb6bcd611deea4a1" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "consultation_materials" ADD CONSTRAINT "FK_e82f617bdecfb7d1794682da1b4" FOREIGN KEY ("consultation_id") REFERENCES "consultations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "consultation_materials" ADD CONSTRAINT "FK_af716bb51c79f8fd12d6843c75e" FOREIGN KEY ("study_id") REFERENCES "studies"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "consultation_events" ADD CONSTRAINT "FK_6ab54e6bd793785feda85ed7db2" FOREIGN KEY ("consultation_id") REFERENCES "consultations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    // The room's log is evidence of who said and showed what: append-only like the audit trail.
    await queryRunner.query(
      'CREATE TRIGGER consultation_events_append_only BEFORE UPDATE OR DELETE ON consultation_events FOR EACH ROW EXECUTE FUNCTION append_only_refuse_change()',
    );
    await queryRunner.query(
      'CREATE TRIGGER consultation_events_no_truncate BEFORE TRUNCATE ON consultation_events FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse_change()',
    );
    // A signed conclusion, its signer, time, hash and attendance never change.
    await queryRunner.query(`
      CREATE FUNCTION consultations_refuse_conclusion_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.conclusion_signed_at IS NOT NULL AND (
             NEW.conclusion_text IS DISTINCT FROM OLD.conclusion_text
          OR NEW.conclusion_signed_at IS DISTINCT FROM OLD.conclusion_signed_at
          OR NEW.conclusion_signed_by IS DISTINCT FROM OLD.conclusion_signed_by
          OR NEW.conclusion_hash IS DISTINCT FROM OLD.conclusion_hash
          OR NEW.attendance IS DISTINCT FROM OLD.attendance) THEN
          RAISE EXCEPTION 'the signed conclusion of consultation % cannot change', OLD.id
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END
      $$`);
    await queryRunner.query(
      'CREATE TRIGGER consultations_signed_conclusion BEFORE UPDATE ON consultations FOR EACH ROW EXECUTE FUNCTION consultations_refuse_conclusion_change()',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER consultations_signed_conclusion ON consultations');
    await queryRunner.query('DROP FUNCTION consultations_refuse_conclusion_change()');
    await queryRunner.query('DROP TRIGGER consultation_events_no_truncate ON consultation_events');
    await queryRunner.query('DROP TRIGGER consultation_events_append_only ON consultation_events');
    await queryRunner.query('ALTER TABLE "consultation_events" DROP CONSTRAINT "FK_6ab54e6bd793785feda85ed7db2"');
    await queryRunner.query('ALTER TABLE "consultation_materials" DROP CONSTRAINT "FK_af716bb51c79f8fd12d6843c75e"');
    await queryRunner.query('ALTER TABLE "consultation_materials" DROP CONSTRAINT "FK_e82f617bdecfb7d1794682da1b4"');
    await queryRunner.query('ALTER TABLE "consultation_participants" DROP CONSTRAINT "FK_41c42ee261fbb6bcd611deea4a1"');
    await queryRunner.query('ALTER TABLE "consultation_participants" DROP CONSTRAINT "FK_ef18edf7a0101ccc8b1b846d042"');
    await queryRunner.query('ALTER TABLE "consultations" DROP CONSTRAINT "FK_ee6c335246d3b937f11c329c837"');
    await queryRunner.query('ALTER TABLE "consultations" DROP CONSTRAINT "FK_2032da8a4510963bc1b48c0f187"');
    await queryRunner.query('ALTER TABLE "consultations" DROP CONSTRAINT "FK_a6e835a694baeff47c0e76edbab"');
    await queryRunner.query('ALTER TABLE "consultations" DROP CONSTRAINT "FK_52e107c22a015df91a93e85e88f"');
    await queryRunner.query('DROP INDEX "public"."uq_consultation_events_client_msg"');
    await queryRunner.query('DROP TABLE "consultation_events"');
    await queryRunner.query('DROP INDEX "public"."uq_consultation_materials_study"');
    await queryRunner.query('DROP TABLE "consultation_materials"');
    await queryRunner.query('DROP INDEX "public"."uq_consultation_participants_user"');
    await queryRunner.query('DROP INDEX "public"."idx_consultation_participants_user"');
    await queryRunner.query('DROP TABLE "consultation_participants"');
    await queryRunner.query('DROP INDEX "public"."idx_consultations_institution_created"');
    await queryRunner.query('DROP INDEX "public"."idx_consultations_consortium_state"');
    await queryRunner.query('DROP TABLE "consultations"');
  }
}
