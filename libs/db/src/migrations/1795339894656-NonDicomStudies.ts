import type { MigrationInterface, QueryRunner } from 'typeorm';

export class NonDicomStudies1795339894656 implements MigrationInterface {
  name = 'NonDicomStudies1795339894656';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "study_files" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "study_id" uuid NOT NULL, "file_name" text NOT NULL, "media_type" text NOT NULL, "format" text NOT NULL, "object_key" text NOT NULL, "size" bigint NOT NULL, "sha256" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_3393078e9f4dade35541e915620" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "idx_study_files_object_key" ON "study_files"  ("object_key") ');
    await queryRunner.query('CREATE INDEX "idx_study_files_study" ON "study_files"  ("study_id") ');
    await queryRunner.query(
      'CREATE TABLE "lab_results" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "study_id" uuid NOT NULL, "position" integer NOT NULL, "item_code" text NOT NULL, "item_name" text NOT NULL, "loinc" text, "value" text NOT NULL, "numeric_value" double precision, "unit" text, "reference_range" text, "abnormal_flag" text, "observed_at" TIMESTAMP WITH TIME ZONE, "source_file_id" uuid, CONSTRAINT "chk_lab_results_flag" CHECK (abnormal_flag IS NULL OR abnormal_flag IN (\'N\', \'L\', \'H\', \'LL\', \'HH\', \'A\', \'AA\')), CONSTRAINT "PK_4f1c5b3b5813c98fb531e5db738" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "idx_lab_results_loinc" ON "lab_results"  ("loinc") ');
    await queryRunner.query('CREATE INDEX "idx_lab_results_study" ON "lab_results"  ("study_id", "position") ');
    await queryRunner.query('ALTER TABLE "patients" ADD "national_id_hash" text');
    await queryRunner.query('ALTER TABLE "patient_identifiers" ADD "issuer" text');
    await queryRunner.query('ALTER TABLE "studies" ADD "exam_code" text');
    await queryRunner.query('ALTER TABLE "studies" ADD "performed_at" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_patients_national_id_hash" ON "patients"  ("consortium_id", "national_id_hash") WHERE national_id_hash IS NOT NULL',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_studies_upload_accession" ON "studies"  ("institution_id", "accession_number") WHERE study_instance_uid IS NULL AND accession_number IS NOT NULL',
    );
    await queryRunner.query(
      'ALTER TABLE "study_files" ADD CONSTRAINT "FK_5b77457e84697b3679b81af874c" FOREIGN KEY ("study_id") REFERENCES "studies"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lab_results" ADD CONSTRAINT "FK_3d729ca93a3a51a5aa0fe7961e3" FOREIGN KEY ("study_id") REFERENCES "studies"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lab_results" ADD CONSTRAINT "FK_98eb9d4340aeba6d0f925604b18" FOREIGN KEY ("source_file_id") REFERENCES "study_files"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "lab_results" DROP CONSTRAINT "FK_98eb9d4340aeba6d0f925604b18"');
    await queryRunner.query('ALTER TABLE "lab_results" DROP CONSTRAINT "FK_3d729ca93a3a51a5aa0fe7961e3"');
    await queryRunner.query('ALTER TABLE "study_files" DROP CONSTRAINT "FK_5b77457e84697b3679b81af874c"');
    await queryRunner.query('DROP INDEX "public"."uq_studies_upload_accession"');
    await queryRunner.query('DROP INDEX "public"."uq_patients_national_id_hash"');
    await queryRunner.query('ALTER TABLE "studies" DROP COLUMN "performed_at"');
    await queryRunner.query('ALTER TABLE "studies" DROP COLUMN "exam_code"');
    await queryRunner.query('ALTER TABLE "patient_identifiers" DROP COLUMN "issuer"');
    await queryRunner.query('ALTER TABLE "patients" DROP COLUMN "national_id_hash"');
    await queryRunner.query('DROP INDEX "public"."idx_lab_results_study"');
    await queryRunner.query('DROP INDEX "public"."idx_lab_results_loinc"');
    await queryRunner.query('DROP TABLE "lab_results"');
    await queryRunner.query('DROP INDEX "public"."idx_study_files_study"');
    await queryRunner.query('DROP INDEX "public"."idx_study_files_object_key"');
    await queryRunner.query('DROP TABLE "study_files"');
  }
}
