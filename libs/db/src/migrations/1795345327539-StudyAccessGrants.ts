import type { MigrationInterface, QueryRunner } from 'typeorm';

export class StudyAccessGrants1795345327539 implements MigrationInterface {
  name = 'StudyAccessGrants1795345327539';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "study_access_grants" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "study_id" uuid NOT NULL, "grantee_type" text NOT NULL, "grantee_id" uuid NOT NULL, "source_type" text NOT NULL, "source_id" uuid NOT NULL, "granted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "chk_study_access_grants_times" CHECK ((revoked_at IS NULL OR revoked_at >= granted_at) AND (expires_at IS NULL OR expires_at > granted_at)), CONSTRAINT "chk_study_access_grants_source_type" CHECK (source_type IN (\'reading_request\', \'consultation\', \'recognition_lookup\')), CONSTRAINT "chk_study_access_grants_grantee_type" CHECK (grantee_type IN (\'centre\', \'institution\', \'user\')), CONSTRAINT "PK_500ebad063808fe628baed03cc1" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_study_access_grants_source" ON "study_access_grants"  ("source_type", "source_id") WHERE revoked_at IS NULL',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_study_access_grants_grantee" ON "study_access_grants"  ("grantee_type", "grantee_id", "study_id") WHERE revoked_at IS NULL',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_study_access_grants_active" ON "study_access_grants"  ("study_id", "grantee_type", "grantee_id", "source_type", "source_id") WHERE revoked_at IS NULL',
    );
    await queryRunner.query(
      'ALTER TABLE "study_access_grants" ADD CONSTRAINT "FK_fa8f657e087587e641e329ca748" FOREIGN KEY ("study_id") REFERENCES "studies"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    // Requests made before grants existed: their centre keeps access unless the request was cancelled.
    await queryRunner.query(`
      INSERT INTO study_access_grants (study_id, grantee_type, grantee_id, source_type, source_id, granted_at)
      SELECT r.study_id, 'centre', t.centre_id, 'reading_request', r.id, r.created_at
        FROM reading_requests r JOIN reading_tasks t ON t.request_id = r.id
       WHERE t.state <> 'cancelled'
      ON CONFLICT DO NOTHING`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "study_access_grants" DROP CONSTRAINT "FK_fa8f657e087587e641e329ca748"');
    await queryRunner.query('DROP INDEX "public"."uq_study_access_grants_active"');
    await queryRunner.query('DROP INDEX "public"."idx_study_access_grants_grantee"');
    await queryRunner.query('DROP INDEX "public"."idx_study_access_grants_source"');
    await queryRunner.query('DROP TABLE "study_access_grants"');
  }
}
