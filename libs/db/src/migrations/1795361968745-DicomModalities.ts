import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A registry of the modalities allowed to send to the DICOM port (DIMSE gateway); see libs/dimse. */
export class DicomModalities1795361968745 implements MigrationInterface {
  name = 'DicomModalities1795361968745';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "dicom_modalities" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "institution_id" uuid NOT NULL, "ae_title" character varying(16) NOT NULL, "addresses" text array NOT NULL DEFAULT \'{}\', "description" text, "auto_request_priority" text, "auto_request_referral" boolean NOT NULL DEFAULT false, "auto_request_user_id" uuid, "auto_request_set_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_dicom_modalities_auto_request_complete" CHECK ((auto_request_priority IS NULL) = (auto_request_user_id IS NULL)), CONSTRAINT "chk_dicom_modalities_auto_request_priority" CHECK (auto_request_priority IN (\'stat\', \'urgent\', \'routine\')), CONSTRAINT "PK_13e2a48eac762bc2bcebd8eac65" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_dicom_modalities_institution" ON "dicom_modalities"  ("institution_id") ',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_dicom_modalities_ae_title" ON "dicom_modalities"  ("ae_title") ');
    await queryRunner.query(
      'ALTER TABLE "dicom_modalities" ADD CONSTRAINT "FK_7c6a1d128e46b2c7c9f0cefe3e5" FOREIGN KEY ("institution_id") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "dicom_modalities" ADD CONSTRAINT "FK_ea0bb9d99c1ef3434e1adb0e244" FOREIGN KEY ("auto_request_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "dicom_modalities" DROP CONSTRAINT "FK_ea0bb9d99c1ef3434e1adb0e244"');
    await queryRunner.query('ALTER TABLE "dicom_modalities" DROP CONSTRAINT "FK_7c6a1d128e46b2c7c9f0cefe3e5"');
    await queryRunner.query('DROP INDEX "public"."uq_dicom_modalities_ae_title"');
    await queryRunner.query('DROP INDEX "public"."idx_dicom_modalities_institution"');
    await queryRunner.query('DROP TABLE "dicom_modalities"');
  }
}
