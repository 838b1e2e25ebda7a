import type { MigrationInterface, QueryRunner } from 'typeorm';

const APPEND_ONLY_RECOGNITION_TABLES = ['recognition_lookups', 'recognition_decisions'];

export class Recognition1795345695080 implements MigrationInterface {
  name = 'Recognition1795345695080';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "recognition_items" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "consortium_id" uuid NOT NULL, "code" text NOT NULL, "name_zh" text NOT NULL, "name_en" text NOT NULL, "discipline" text NOT NULL, "validity_days" integer NOT NULL, "price_yuan" numeric(10,2) NOT NULL, "active" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_recognition_items_price" CHECK (price_yuan >= 0), CONSTRAINT "chk_recognition_items_validity" CHECK (validity_days > 0), CONSTRAINT "chk_recognition_items_discipline" CHECK (discipline IN (\'imaging\', \'ecg\', \'lab\', \'pathology\')), CONSTRAINT "PK_89ada1f924d327a6c6d07a71568" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_recognition_items_code" ON "recognition_items"  ("consortium_id", "code") ',
    );
    await queryRunner.query(
      'CREATE TABLE "recognition_settings" ("consortium_id" uuid NOT NULL, "hr_scope" text NOT NULL, "catalogue_seeded_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1ad8cb3d5061359c766eddf336a" PRIMARY KEY ("consortium_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "institution_qc_records" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "institution_id" uuid NOT NULL, "discipline" text NOT NULL, "passed_from" date NOT NULL, "passed_to" date, "source" text NOT NULL, "recorded_by" uuid NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "superseded_at" TIMESTAMP WITH TIME ZONE, "superseded_by" uuid, CONSTRAINT "chk_qc_records_period" CHECK (passed_to IS NULL OR passed_to >= passed_from), CONSTRAINT "chk_qc_records_discipline" CHECK (discipline IN (\'imaging\', \'ecg\', \'lab\', \'pathology\')), CONSTRAINT "PK_8d394a49ab5e19e7b4c77bc2d9a" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_qc_records_current" ON "institution_qc_records"  ("institution_id", "discipline", "passed_from") WHERE superseded_at IS NULL',
    );
    await queryRunner.query(
      'CREATE TABLE "recognisable_results" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "consortium_id" uuid NOT NULL, "patient_id" uuid NOT NULL, "study_id" uuid NOT NULL, "report_id" uuid NOT NULL, "item_code" text NOT NULL, "discipline" text NOT NULL, "performing_institution_id" uuid NOT NULL, "performed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "signed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "withdrawn_at" TIMESTAMP WITH TIME ZONE, "withdrawn_reason" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_dcc0301b2181308ae006102ecf6" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_recognisable_results_lookup" ON "recognisable_results"  ("patient_id", "item_code", "performed_at") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_recognisable_results_report" ON "recognisable_results"  ("report_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "recognition_lookups" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "serial" text NOT NULL, "consortium_id" uuid NOT NULL, "patient_id" uuid NOT NULL, "item_code" text NOT NULL, "institution_id" uuid NOT NULL, "user_id" uuid NOT NULL, "candidates" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8ac28f8530ba3616a4c7bb474fd" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_recognition_lookups_patient" ON "recognition_lookups"  ("patient_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_recognition_lookups_serial" ON "recognition_lookups"  ("serial") ',
    );
    await queryRunner.query(
      'CREATE TABLE "recognition_decisions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "lookup_id" uuid NOT NULL, "result_id" uuid NOT NULL, "consortium_id" uuid NOT NULL, "patient_id" uuid NOT NULL, "institution_id" uuid NOT NULL, "decided_by" uuid NOT NULL, "item_code" text NOT NULL, "decision" text NOT NULL, "reason_code" text, "note" text, "patient_informed" boolean NOT NULL, "price_yuan" numeric(10,2) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_recognition_decisions_reason" CHECK ((decision = \'recognised\' AND reason_code IS NULL) OR (decision = \'not_recognised\' AND reason_code IS NOT NULL)), CONSTRAINT "chk_recognition_decisions_decision" CHECK (decision IN (\'recognised\', \'not_recognised\')), CONSTRAINT "PK_6d09c4d691857f72de5a4412f6c" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_recognition_decisions_stats" ON "recognition_decisions"  ("consortium_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_recognition_decisions_patient" ON "recognition_decisions"  ("patient_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_recognition_decisions_once" ON "recognition_decisions"  ("lookup_id", "result_id") ',
    );
    await queryRunner.query('ALTER TABLE "report_addenda" ADD "changes_result" boolean NOT NULL DEFAULT false');
    await queryRunner.query(
      'ALTER TABLE "recognition_items" ADD CONSTRAINT "FK_7ec103104051f7e125591bdadfe" FOREIGN KEY ("consortium_id") REFERENCES "consortia"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "recognition_settings" ADD CONSTRAINT "FK_1ad8cb3d5061359c766eddf336a" FOREIGN KEY ("consortium_id") REFERENCES "consortia"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "institution_qc_records" ADD CONSTRAINT "FK_1155a51098fe4ce2434ffbc9870" FOREIGN KEY ("institution_id") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "recognisable_results" ADD CONSTRAINT "FK_5c93a825550e6b566293fd83c91" FOREIGN KEY ("consortium_id") REFERENCES "consortia"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "recognisable_results" ADD CONSTRAINT "FK_85316f5bd5d2202e5e1c3826901" FOREIGN KEY ("patient_id") REFERENCES "patients"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "recognisable_results" ADD CONSTRAINT "FK_6b53a38e06cf4179e7d0cf2d933" FOREIGN KEY ("study_id") REFERENCES "studies"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "recognisable_results" ADD CONSTRAINT "FK_98f3481548d3a8ce66d6817f203" FOREIGN KEY ("report_id") REFERENCES "reports"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "recognisable_results" ADD CONSTRAINT "FK_2af8ae7018c8b52ff46cd510d48" FOREIGN KEY ("performing_institution_id") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "recognition_lookups" ADD CONSTRAINT "FK_fcfa5b67eff7178e76bc8619cf0" FOREIGN KEY ("consortium_id") REFERENCES "consortia"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "recognition_lookups" ADD CONSTRAINT "FK_986ef85d12f9a75d0696a124fe6" FOREIGN KEY ("patient_id") REFERENCES "patients"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "recognition_lookups" ADD CONSTRAINT "FK_1fd1ca719fa1231d284186b55e7" FOREIGN KEY ("institution_id") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "recognition_decisions" ADD CONSTRAINT "FK_ab7dbd94937a9982f13cac975bb" FOREIGN KEY ("lookup_id") REFERENCES "recognition_lookups"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "recognition_decisions" ADD CONSTRAINT "FK_ac133f9acfeea499541a6219cc2" FOREIGN KEY ("result_id") REFERENCES "recognisable_results"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "recognition_decisions" ADD CONSTRAINT "FK_6f72ab4cfba8f0480136b992a4f" FOREIGN KEY ("consortium_id") REFERENCES "consortia"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "recognition_decisions" ADD CONSTRAINT "FK_20903863ac03e7170184b2cac63" FOREIGN KEY ("patient_id") REFERENCES "patients"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "recognition_decisions" ADD CONSTRAINT "FK_ecad84880e0d07ba89a6e50785f" FOREIGN KEY ("institution_id") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    // Look-up serial numbers; decisions and look-ups are evidence, so append-only like the audit trail.
    await queryRunner.query('CREATE SEQUENCE recognition_lookup_serial_seq');
    for (const table of APPEND_ONLY_RECOGNITION_TABLES) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION append_only_refuse_change()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse_change()`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of APPEND_ONLY_RECOGNITION_TABLES) {
      await queryRunner.query(`DROP TRIGGER ${table}_no_truncate ON ${table}`);
      await queryRunner.query(`DROP TRIGGER ${table}_append_only ON ${table}`);
    }
    await queryRunner.query('DROP SEQUENCE recognition_lookup_serial_seq');
    await queryRunner.query('ALTER TABLE "recognition_decisions" DROP CONSTRAINT "FK_ecad84880e0d07ba89a6e50785f"');
    await queryRunner.query('ALTER TABLE "recognition_decisions" DROP CONSTRAINT "FK_20903863ac03e7170184b2cac63"');
    await queryRunner.query('ALTER TABLE "recognition_decisions" DROP CONSTRAINT "FK_6f72ab4cfba8f0480136b992a4f"');
    await queryRunner.query('ALTER TABLE "recognition_decisions" DROP CONSTRAINT "FK_ac133f9acfeea499541a6219cc2"');
    await queryRunner.query('ALTER TABLE "recognition_decisions" DROP CONSTRAINT "FK_ab7dbd94937a9982f13cac975bb"');
    await queryRunner.query('ALTER TABLE "recognition_lookups" DROP CONSTRAINT "FK_1fd1ca719fa1231d284186b55e7"');
    await queryRunner.query('ALTER TABLE "recognition_lookups" DROP CONSTRAINT "FK_986ef85d12f9a75d0696a124fe6"');
    await queryRunner.query('ALTER TABLE "recognition_lookups" DROP CONSTRAINT "FK_fcfa5b67eff7178e76bc8619cf0"');
    await queryRunner.query('ALTER TABLE "recognisable_results" DROP CONSTRAINT "FK_2af8ae7018c8b52ff46cd510d48"');
    await queryRunner.query('ALTER TABLE "recognisable_results" DROP CONSTRAINT "FK_98f3481548d3a8ce66d6817f203"');
    await queryRunner.query('ALTER TABLE "recognisable_results" DROP CONSTRAINT "FK_6b53a38e06cf4179e7d0cf2d933"');
    await queryRunner.query('ALTER TABLE "recognisable_results" DROP CONSTRAINT "FK_85316f5bd5d2202e5e1c3826901"');
    await queryRunner.query('ALTER TABLE "recognisable_results" DROP CONSTRAINT "FK_5c93a825550e6b566293fd83c91"');
    await queryRunner.query('ALTER TABLE "institution_qc_records" DROP CONSTRAINT "FK_1155a51098fe4ce2434ffbc9870"');
    await queryRunner.query('ALTER TABLE "recognition_settings" DROP CONSTRAINT "FK_1ad8cb3d5061359c766eddf336a"');
    await queryRunner.query('ALTER TABLE "recognition_items" DROP CONSTRAINT "FK_7ec103104051f7e125591bdadfe"');
    await queryRunner.query('ALTER TABLE "report_addenda" DROP COLUMN "changes_result"');
    await queryRunner.query('DROP INDEX "public"."uq_recognition_decisions_once"');
    await queryRunner.query('DROP INDEX "public"."idx_recognition_decisions_patient"');
    await queryRunner.query('DROP INDEX "public"."idx_recognition_decisions_stats"');
    await queryRunner.query('DROP TABLE "recognition_decisions"');
    await queryRunner.query('DROP INDEX "public"."uq_recognition_lookups_serial"');
    await queryRunner.query('DROP INDEX "public"."idx_recognition_lookups_patient"');
    await queryRunner.query('DROP TABLE "recognition_lookups"');
    await queryRunner.query('DROP INDEX "public"."uq_recognisable_results_report"');
    await queryRunner.query('DROP INDEX "public"."idx_recognisable_results_lookup"');
    await queryRunner.query('DROP TABLE "recognisable_results"');
    await queryRunner.query('DROP INDEX "public"."idx_qc_records_current"');
    await queryRunner.query('DROP TABLE "institution_qc_records"');
    await queryRunner.query('DROP TABLE "recognition_settings"');
    await queryRunner.query('DROP INDEX "public"."uq_recognition_items_code"');
    await queryRunner.query('DROP TABLE "recognition_items"');
  }
}
