import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Reading1795343496273 implements MigrationInterface {
  name = 'Reading1795343496273';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "reading_requests" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "consortium_id" uuid NOT NULL, "requesting_institution_id" uuid NOT NULL, "requested_by_user_id" uuid NOT NULL, "study_id" uuid NOT NULL, "patient_id" uuid NOT NULL, "discipline" text NOT NULL, "priority" text NOT NULL, "referral" boolean NOT NULL DEFAULT false, "clinical_notes" text, "exam_code" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_reading_requests_priority" CHECK (priority IN (\'stat\', \'urgent\', \'routine\')), CONSTRAINT "PK_60ffa60c32d6e541ef0e5522cd2" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "idx_reading_requests_study" ON "reading_requests"  ("study_id") ');
    await queryRunner.query(
      'CREATE INDEX "idx_reading_requests_institution_created" ON "reading_requests"  ("requesting_institution_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "reading_tasks" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "request_id" uuid NOT NULL, "centre_id" uuid NOT NULL, "discipline" text NOT NULL, "priority_rank" smallint NOT NULL, "referral_rank" smallint NOT NULL, "queued_at" TIMESTAMP WITH TIME ZONE NOT NULL, "due_at" TIMESTAMP WITH TIME ZONE NOT NULL, "state" text NOT NULL, "holder_user_id" uuid, "lease_expires_at" TIMESTAMP WITH TIME ZONE, "fencing_token" bigint NOT NULL DEFAULT \'0\', "first_claimed_at" TIMESTAMP WITH TIME ZONE, "submitted_by" uuid, "submitted_at" TIMESTAMP WITH TIME ZONE, "signed_by" uuid, "signed_at" TIMESTAMP WITH TIME ZONE, "return_reason" text, "return_note" text, "returned_at" TIMESTAMP WITH TIME ZONE, "resubmissions" integer NOT NULL DEFAULT \'0\', "cancel_reason" text, "cancelled_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_reading_tasks_priority_rank" CHECK (priority_rank BETWEEN 0 AND 2 AND referral_rank IN (0, 1)), CONSTRAINT "chk_reading_tasks_lease" CHECK ((state IN (\'claimed\', \'drafted\', \'reviewing\')) = (holder_user_id IS NOT NULL AND lease_expires_at IS NOT NULL)), CONSTRAINT "chk_reading_tasks_state" CHECK (state IN (\'queued\', \'claimed\', \'drafted\', \'submitted\', \'reviewing\', \'signed\', \'returned\', \'cancelled\')), CONSTRAINT "PK_1a200a7e8c743741c0a1d097cfa" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_reading_tasks_open_due" ON "reading_tasks"  ("due_at") WHERE state NOT IN (\'signed\', \'cancelled\', \'returned\')',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_reading_tasks_lease" ON "reading_tasks"  ("centre_id", "lease_expires_at") WHERE lease_expires_at IS NOT NULL',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_reading_tasks_review_queue" ON "reading_tasks"  ("centre_id", "priority_rank", "referral_rank", "due_at", "id") WHERE state = \'submitted\'',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_reading_tasks_read_queue" ON "reading_tasks"  ("centre_id", "priority_rank", "referral_rank", "due_at", "id") WHERE state = \'queued\'',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_reading_tasks_request" ON "reading_tasks"  ("request_id") ');
    await queryRunner.query(
      'CREATE TABLE "reports" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "task_id" uuid NOT NULL, "status" text NOT NULL, "findings" text NOT NULL DEFAULT \'\', "impression" text NOT NULL DEFAULT \'\', "structured" jsonb NOT NULL DEFAULT \'{}\', "version" integer NOT NULL, "author_user_id" uuid NOT NULL, "signed_by" uuid, "signed_at" TIMESTAMP WITH TIME ZONE, "content_hash" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_reports_signed" CHECK ((status = \'signed\') = (signed_by IS NOT NULL AND signed_at IS NOT NULL AND content_hash IS NOT NULL)), CONSTRAINT "chk_reports_status" CHECK (status IN (\'draft\', \'submitted\', \'signed\')), CONSTRAINT "PK_d9013193989303580053c0b5ef6" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_reports_task" ON "reports"  ("task_id") ');
    await queryRunner.query(
      'CREATE TABLE "report_versions" ("report_id" uuid NOT NULL, "version" integer NOT NULL, "findings" text NOT NULL, "impression" text NOT NULL, "structured" jsonb NOT NULL, "saved_by" uuid NOT NULL, "saved_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_d86157b21dace616314006cefa2" PRIMARY KEY ("report_id", "version"))',
    );
    await queryRunner.query(
      'CREATE TABLE "report_addenda" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "report_id" uuid NOT NULL, "seq" integer NOT NULL, "text" text NOT NULL, "signed_by" uuid NOT NULL, "signed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "content_hash" text NOT NULL, CONSTRAINT "PK_6b50d918c1b78338a180a0d50ea" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_report_addenda_seq" ON "report_addenda"  ("report_id", "seq") ');
    await queryRunner.query(
      'CREATE TABLE "report_templates" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "consortium_id" uuid NOT NULL, "exam_code" text NOT NULL, "discipline" text NOT NULL, "name" text NOT NULL, "fields" jsonb NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_report_templates_discipline" CHECK (discipline IN (\'imaging\', \'ecg\', \'lab\', \'pathology\')), CONSTRAINT "PK_f85e16e6beea41a2b3a3350b84e" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_report_templates_exam" ON "report_templates"  ("consortium_id", "exam_code") ',
    );
    await queryRunner.query(
      'ALTER TABLE "reading_requests" ADD CONSTRAINT "FK_76048944bce243e78c264ee21b7" FOREIGN KEY ("consortium_id") REFERENCES "consortia"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "reading_requests" ADD CONSTRAINT "FK_9f25f65682521464dcba24ce528" FOREIGN KEY ("requesting_institution_id") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "reading_requests" ADD CONSTRAINT "FK_df35752757eb08ef2a24950f263" FOREIGN KEY ("requested_by_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "reading_requests" ADD CONSTRAINT "FK_490dcf1abf1d2c05b0dad6ff7f7" FOREIGN KEY ("study_id") REFERENCES "studies"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "reading_tasks" ADD CONSTRAINT "FK_ee13bed72c6adb2b4bbfd51ddae" FOREIGN KEY ("request_id") REFERENCES "reading_requests"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "reading_tasks" ADD CONSTRAINT "FK_99d511de61e1495f62db3abb51f" FOREIGN KEY ("centre_id") REFERENCES "centres"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "reading_tasks" ADD CONSTRAINT "FK_7cf4395b5627967ba77de053ede" FOREIGN KEY ("holder_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "reports" ADD CONSTRAINT "FK_23b80dbc77b12963d7e1dc19ecb" FOREIGN KEY ("task_id") REFERENCES "reading_tasks"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "report_versions" ADD CONSTRAINT "FK_93e13c1185de5e1c4facf02b6d3" FOREIGN KEY ("report_id") REFERENCES "reports"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "report_addenda" ADD CONSTRAINT "FK_b1cce5f620bebc42f198b823137" FOREIGN KEY ("report_id") REFERENCES "reports"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "report_templates" ADD CONSTRAINT "FK_203fcf1b06978aa88cd2a598104" FOREIGN KEY ("consortium_id") REFERENCES "consortia"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    // A signed report never changes (corrections are addenda); saved versions and addenda are append-only.
    await queryRunner.query(`
      CREATE FUNCTION reports_refuse_change_after_sign() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status = 'signed' THEN
          RAISE EXCEPTION 'report % is signed and immutable: add a signed addendum instead', OLD.id
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
      END
      $$`);
    await queryRunner.query(
      'CREATE TRIGGER reports_signed_immutable BEFORE UPDATE OR DELETE ON reports FOR EACH ROW EXECUTE FUNCTION reports_refuse_change_after_sign()',
    );
    await queryRunner.query(`
      CREATE FUNCTION append_only_refuse_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    for (const table of ['report_versions', 'report_addenda']) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION append_only_refuse_change()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse_change()`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['report_versions', 'report_addenda']) {
      await queryRunner.query(`DROP TRIGGER ${table}_no_truncate ON ${table}`);
      await queryRunner.query(`DROP TRIGGER ${table}_append_only ON ${table}`);
    }
    await queryRunner.query('DROP TRIGGER reports_signed_immutable ON reports');
    await queryRunner.query('DROP FUNCTION reports_refuse_change_after_sign()');
    await queryRunner.query('DROP FUNCTION append_only_refuse_change()');
    await queryRunner.query('ALTER TABLE "report_templates" DROP CONSTRAINT "FK_203fcf1b06978aa88cd2a598104"');
    await queryRunner.query('ALTER TABLE "report_addenda" DROP CONSTRAINT "FK_b1cce5f620bebc42f198b823137"');
    await queryRunner.query('ALTER TABLE "report_versions" DROP CONSTRAINT "FK_93e13c1185de5e1c4facf02b6d3"');
    await queryRunner.query('ALTER TABLE "reports" DROP CONSTRAINT "FK_23b80dbc77b12963d7e1dc19ecb"');
    await queryRunner.query('ALTER TABLE "reading_tasks" DROP CONSTRAINT "FK_7cf4395b5627967ba77de053ede"');
    await queryRunner.query('ALTER TABLE "reading_tasks" DROP CONSTRAINT "FK_99d511de61e1495f62db3abb51f"');
    await queryRunner.query('ALTER TABLE "reading_tasks" DROP CONSTRAINT "FK_ee13bed72c6adb2b4bbfd51ddae"');
    await queryRunner.query('ALTER TABLE "reading_requests" DROP CONSTRAINT "FK_490dcf1abf1d2c05b0dad6ff7f7"');
    await queryRunner.query('ALTER TABLE "reading_requests" DROP CONSTRAINT "FK_df35752757eb08ef2a24950f263"');
    await queryRunner.query('ALTER TABLE "reading_requests" DROP CONSTRAINT "FK_9f25f65682521464dcba24ce528"');
    await queryRunner.query('ALTER TABLE "reading_requests" DROP CONSTRAINT "FK_76048944bce243e78c264ee21b7"');
    await queryRunner.query('DROP INDEX "public"."uq_report_templates_exam"');
    await queryRunner.query('DROP TABLE "report_templates"');
    await queryRunner.query('DROP INDEX "public"."uq_report_addenda_seq"');
    await queryRunner.query('DROP TABLE "report_addenda"');
    await queryRunner.query('DROP TABLE "report_versions"');
    await queryRunner.query('DROP INDEX "public"."uq_reports_task"');
    await queryRunner.query('DROP TABLE "reports"');
    await queryRunner.query('DROP INDEX "public"."uq_reading_tasks_request"');
    await queryRunner.query('DROP INDEX "public"."idx_reading_tasks_read_queue"');
    await queryRunner.query('DROP INDEX "public"."idx_reading_tasks_review_queue"');
    await queryRunner.query('DROP INDEX "public"."idx_reading_tasks_lease"');
    await queryRunner.query('DROP INDEX "public"."idx_reading_tasks_open_due"');
    await queryRunner.query('DROP TABLE "reading_tasks"');
    await queryRunner.query('DROP INDEX "public"."idx_reading_requests_institution_created"');
    await queryRunner.query('DROP INDEX "public"."idx_reading_requests_study"');
    await queryRunner.query('DROP TABLE "reading_requests"');
  }
}
