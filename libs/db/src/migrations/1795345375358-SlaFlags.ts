import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SlaFlags1795345375358 implements MigrationInterface {
  name = 'SlaFlags1795345375358';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "reading_tasks" ADD "sla_warned_at" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query('ALTER TABLE "reading_tasks" ADD "sla_breached_at" TIMESTAMP WITH TIME ZONE');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "reading_tasks" DROP COLUMN "sla_breached_at"');
    await queryRunner.query('ALTER TABLE "reading_tasks" DROP COLUMN "sla_warned_at"');
  }
}
