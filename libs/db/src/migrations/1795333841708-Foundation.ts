import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795333841708 implements MigrationInterface {
  name = 'Foundation1795333841708';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "audit_events" ("id" bigint NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "actor_user_id" uuid, "actor_username" text, "actor_roles" text array NOT NULL DEFAULT \'{}\', "actor_institution_id" uuid, "action" text NOT NULL, "object_type" text NOT NULL, "object_id" text, "patient_id" uuid, "outcome" text NOT NULL, "source_ip" text, "request_id" text, "details" jsonb, "prev_hash" text NOT NULL, "hash" text NOT NULL, CONSTRAINT "chk_audit_events_outcome" CHECK (outcome IN (\'success\', \'denied\', \'failed\')), CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "idx_audit_events_occurred_at" ON "audit_events"  ("occurred_at") ');
    await queryRunner.query('CREATE INDEX "idx_audit_events_actor" ON "audit_events"  ("actor_user_id") ');
    await queryRunner.query('CREATE INDEX "idx_audit_events_patient" ON "audit_events"  ("patient_id") ');
    await queryRunner.query(
      'CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "username" text NOT NULL, "display_name" text NOT NULL, "password_hash" text NOT NULL, "institution_id" uuid, "roles" text array NOT NULL, "active" boolean NOT NULL DEFAULT true, "failed_login_count" integer NOT NULL DEFAULT \'0\', "locked_until" TIMESTAMP WITH TIME ZONE, "totp_secret" text, "totp_enabled" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_users_roles" CHECK (cardinality(roles) > 0 AND roles <@ ARRAY[\'clinic_technician\', \'clinic_doctor\', \'reader\', \'senior_reader\', \'specialist\', \'coordinator\', \'admin\', \'auditor\']::text[]), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "auth_sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "mfa" boolean NOT NULL DEFAULT false, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_reason" text, "source_ip" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_641507381f32580e8479efc36cd" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "refresh_tokens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "token_hash" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7d8bee0204106019488c4c50ffa" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_refresh_tokens_hash" ON "refresh_tokens"  ("token_hash") ');
    await queryRunner.query(
      'CREATE TABLE "consortia" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" text NOT NULL, "name" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_8773ed2eb86bfb51768c73bb995" UNIQUE ("code"), CONSTRAINT "PK_b460a5fa948485d54780b6a8532" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "institutions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "consortium_id" uuid NOT NULL, "code" text NOT NULL, "name" text NOT NULL, "level" text NOT NULL, "grid_area" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_institutions_level" CHECK (level IN (\'tertiary\', \'secondary\', \'township\', \'community\', \'village\')), CONSTRAINT "PK_0be7539dcdba335470dc05e9690" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_institutions_consortium_code" ON "institutions"  ("consortium_id", "code") ',
    );
    await queryRunner.query(
      'CREATE TABLE "centres" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "consortium_id" uuid NOT NULL, "host_institution_id" uuid NOT NULL, "name" text NOT NULL, "discipline" text NOT NULL, "sla_stat_minutes" integer NOT NULL, "sla_urgent_minutes" integer NOT NULL, "sla_routine_minutes" integer NOT NULL, "two_step_signoff" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_centres_sla" CHECK (sla_stat_minutes > 0 AND sla_urgent_minutes > 0 AND sla_routine_minutes > 0), CONSTRAINT "chk_centres_discipline" CHECK (discipline IN (\'imaging\', \'ecg\', \'lab\', \'pathology\')), CONSTRAINT "PK_0220a98077fab39bf8142b59b37" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_centres_consortium_name" ON "centres"  ("consortium_id", "name") ',
    );
    await queryRunner.query(
      'CREATE TABLE "centre_served_institutions" ("centre_id" uuid NOT NULL, "institution_id" uuid NOT NULL, CONSTRAINT "PK_104035ad7a1192c1499b6896495" PRIMARY KEY ("centre_id", "institution_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "reading_privileges" ("user_id" uuid NOT NULL, "discipline" text NOT NULL, "can_sign" boolean NOT NULL DEFAULT false, CONSTRAINT "chk_reading_privileges_discipline" CHECK (discipline IN (\'imaging\', \'ecg\', \'lab\', \'pathology\')), CONSTRAINT "PK_e44247f0d84a4169b5ab727aa8f" PRIMARY KEY ("user_id", "discipline"))',
    );
    await queryRunner.query(
      'CREATE TABLE "patients" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "consortium_id" uuid NOT NULL, "name" text NOT NULL, "sex" text, "birth_date" date, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_patients_sex" CHECK (sex IS NULL OR sex IN (\'M\', \'F\', \'O\', \'U\')), CONSTRAINT "PK_a7f0b9fcbb3469d5ec0b0aceaa7" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "patient_identifiers" ("institution_id" uuid NOT NULL, "local_id" text NOT NULL, "patient_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_601ee8d7c6c01d6fd9bcb61cb22" PRIMARY KEY ("institution_id", "local_id"))',
    );
    await queryRunner.query('CREATE INDEX "idx_patient_identifiers_patient" ON "patient_identifiers"  ("patient_id") ');
    await queryRunner.query(
      'ALTER TABLE "users" ADD CONSTRAINT "FK_822972ceea1fda0973b8acc7bbe" FOREIGN KEY ("institution_id") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "auth_sessions" ADD CONSTRAINT "FK_50ccaa6440288a06f0ba693ccc6" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "refresh_tokens" ADD CONSTRAINT "FK_3bf308fa93da3966f9e76fcfba4" FOREIGN KEY ("session_id") REFERENCES "auth_sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "institutions" ADD CONSTRAINT "FK_52c438922d82d7271a07d221fee" FOREIGN KEY ("consortium_id") REFERENCES "consortia"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "centres" ADD CONSTRAINT "FK_8750405ad8f0e6085f05e29fd06" FOREIGN KEY ("consortium_id") REFERENCES "consortia"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "centres" ADD CONSTRAINT "FK_c45017f64b19e469e527f533e5e" FOREIGN KEY ("host_institution_id") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "centre_served_institutions" ADD CONSTRAINT "FK_2132786cbfa7035bd860097b991" FOREIGN KEY ("centre_id") REFERENCES "centres"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "centre_served_institutions" ADD CONSTRAINT "FK_87ad478a3459d6feb8c19a836da" FOREIGN KEY ("institution_id") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "reading_privileges" ADD CONSTRAINT "FK_3c5ca6334e263fb7e88882f0c06" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "patients" ADD CONSTRAINT "FK_d1821aa94b4f8a877f4429eeb01" FOREIGN KEY ("consortium_id") REFERENCES "consortia"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "patient_identifiers" ADD CONSTRAINT "FK_404c99fbcf3fd436fb56697b1ad" FOREIGN KEY ("institution_id") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "patient_identifiers" ADD CONSTRAINT "FK_3e444c37e0268574af6f890318b" FOREIGN KEY ("patient_id") REFERENCES "patients"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "patient_identifiers" DROP CONSTRAINT "FK_3e444c37e0268574af6f890318b"');
    await queryRunner.query('ALTER TABLE "patient_identifiers" DROP CONSTRAINT "FK_404c99fbcf3fd436fb56697b1ad"');
    await queryRunner.query('ALTER TABLE "patients" DROP CONSTRAINT "FK_d1821aa94b4f8a877f4429eeb01"');
    await queryRunner.query('ALTER TABLE "reading_privileges" DROP CONSTRAINT "FK_3c5ca6334e263fb7e88882f0c06"');
    await queryRunner.query(
      'ALTER TABLE "centre_served_institutions" DROP CONSTRAINT "FK_87ad478a3459d6feb8c19a836da"',
    );
    await queryRunner.query(
      'ALTER TABLE "centre_served_institutions" DROP CONSTRAINT "FK_2132786cbfa7035bd860097b991"',
    );
    await queryRunner.query('ALTER TABLE "centres" DROP CONSTRAINT "FK_c45017f64b19e469e527f533e5e"');
    await queryRunner.query('ALTER TABLE "centres" DROP CONSTRAINT "FK_8750405ad8f0e6085f05e29fd06"');
    await queryRunner.query('ALTER TABLE "institutions" DROP CONSTRAINT "FK_52c438922d82d7271a07d221fee"');
    await queryRunner.query('ALTER TABLE "refresh_tokens" DROP CONSTRAINT "FK_3bf308fa93da3966f9e76fcfba4"');
    await queryRunner.query('ALTER TABLE "auth_sessions" DROP CONSTRAINT "FK_50ccaa6440288a06f0ba693ccc6"');
    await queryRunner.query('ALTER TABLE "users" DROP CONSTRAINT "FK_822972ceea1fda0973b8acc7bbe"');
    await queryRunner.query('DROP INDEX "public"."idx_patient_identifiers_patient"');
    await queryRunner.query('DROP TABLE "patient_identifiers"');
    await queryRunner.query('DROP TABLE "patients"');
    await queryRunner.query('DROP TABLE "reading_privileges"');
    await queryRunner.query('DROP TABLE "centre_served_institutions"');
    await queryRunner.query('DROP INDEX "public"."uq_centres_consortium_name"');
    await queryRunner.query('DROP TABLE "centres"');
    await queryRunner.query('DROP INDEX "public"."uq_institutions_consortium_code"');
    await queryRunner.query('DROP TABLE "institutions"');
    await queryRunner.query('DROP TABLE "consortia"');
    await queryRunner.query('DROP INDEX "public"."uq_refresh_tokens_hash"');
    await queryRunner.query('DROP TABLE "refresh_tokens"');
    await queryRunner.query('DROP TABLE "auth_sessions"');
    await queryRunner.query('DROP TABLE "users"');
    await queryRunner.query('DROP INDEX "public"."idx_audit_events_patient"');
    await queryRunner.query('DROP INDEX "public"."idx_audit_events_actor"');
    await queryRunner.query('DROP INDEX "public"."idx_audit_events_occurred_at"');
    await queryRunner.query('DROP TABLE "audit_events"');
  }
}
