import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Studies1795336572586 implements MigrationInterface {
  name = 'Studies1795336572586';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "studies" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "consortium_id" uuid NOT NULL, "institution_id" uuid NOT NULL, "patient_id" uuid NOT NULL, "discipline" text NOT NULL, "study_instance_uid" text, "accession_number" text, "study_date" date, "study_time" text, "study_id" text, "description" text, "referring_physician_name" text, "patient_local_id" text, "patient_name" text, "patient_birth_date" date, "patient_sex" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_studies_discipline" CHECK (discipline IN (\'imaging\', \'ecg\', \'lab\', \'pathology\')), CONSTRAINT "PK_b100ff0c4a0ad02a9c2270d45b6" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "idx_studies_patient" ON "studies"  ("patient_id") ');
    await queryRunner.query(
      'CREATE INDEX "idx_studies_institution_date" ON "studies"  ("institution_id", "study_date") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_studies_study_instance_uid" ON "studies"  ("study_instance_uid") ',
    );
    await queryRunner.query(
      'CREATE TABLE "series" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "study_id" uuid NOT NULL, "series_instance_uid" text NOT NULL, "modality" text, "series_number" integer, "description" text, "body_part" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e725676647382eb54540d7128ba" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "idx_series_study" ON "series"  ("study_id") ');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_series_series_instance_uid" ON "series"  ("series_instance_uid") ',
    );
    await queryRunner.query(
      'CREATE TABLE "instances" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "study_id" uuid NOT NULL, "series_id" uuid NOT NULL, "sop_instance_uid" text NOT NULL, "sop_class_uid" text NOT NULL, "transfer_syntax_uid" text NOT NULL, "instance_number" integer, "number_of_frames" integer, "rows" integer, "columns" integer, "object_key" text NOT NULL, "size" bigint NOT NULL, "sha256" text NOT NULL, "metadata" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_11862209053330b4765f7f54178" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "idx_instances_object_key" ON "instances"  ("object_key") ');
    await queryRunner.query('CREATE INDEX "idx_instances_study" ON "instances"  ("study_id") ');
    await queryRunner.query('CREATE INDEX "idx_instances_series" ON "instances"  ("series_id") ');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_instances_sop_instance_uid" ON "instances"  ("sop_instance_uid") ',
    );
    await queryRunner.query(
      'ALTER TABLE "studies" ADD CONSTRAINT "FK_797103f3f514cd6c634a7a05202" FOREIGN KEY ("consortium_id") REFERENCES "consortia"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "studies" ADD CONSTRAINT "FK_8dfa03b436049bded53317d3e8b" FOREIGN KEY ("institution_id") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "studies" ADD CONSTRAINT "FK_4e66443567673a282caf24cf6c2" FOREIGN KEY ("patient_id") REFERENCES "patients"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "series" ADD CONSTRAINT "FK_a085ed6908b8854d77d40db8db6" FOREIGN KEY ("study_id") REFERENCES "studies"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "instances" ADD CONSTRAINT "FK_f6a5c1c5e7d33a3218e3c98f8a6" FOREIGN KEY ("study_id") REFERENCES "studies"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "instances" ADD CONSTRAINT "FK_2b8403d6de92cf5ebbd54e369f2" FOREIGN KEY ("series_id") REFERENCES "series"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "instances" DROP CONSTRAINT "FK_2b8403d6de92cf5ebbd54e369f2"');
    await queryRunner.query('ALTER TABLE "instances" DROP CONSTRAINT "FK_f6a5c1c5e7d33a3218e3c98f8a6"');
    await queryRunner.query('ALTER TABLE "series" DROP CONSTRAINT "FK_a085ed6908b8854d77d40db8db6"');
    await queryRunner.query('ALTER TABLE "studies" DROP CONSTRAINT "FK_4e66443567673a282caf24cf6c2"');
    await queryRunner.query('ALTER TABLE "studies" DROP CONSTRAINT "FK_8dfa03b436049bded53317d3e8b"');
    await queryRunner.query('ALTER TABLE "studies" DROP CONSTRAINT "FK_797103f3f514cd6c634a7a05202"');
    await queryRunner.query('DROP INDEX "public"."uq_instances_sop_instance_uid"');
    await queryRunner.query('DROP INDEX "public"."idx_instances_series"');
    await queryRunner.query('DROP INDEX "public"."idx_instances_study"');
    await queryRunner.query('DROP INDEX "public"."idx_instances_object_key"');
    await queryRunner.query('DROP TABLE "instances"');
    await queryRunner.query('DROP INDEX "public"."uq_series_series_instance_uid"');
    await queryRunner.query('DROP INDEX "public"."idx_series_study"');
    await queryRunner.query('DROP TABLE "series"');
    await queryRunner.query('DROP INDEX "public"."uq_studies_study_instance_uid"');
    await queryRunner.query('DROP INDEX "public"."idx_studies_institution_date"');
    await queryRunner.query('DROP INDEX "public"."idx_studies_patient"');
    await queryRunner.query('DROP TABLE "studies"');
  }
}
