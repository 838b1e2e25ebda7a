import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The socket.io PostgreSQL adapter (SOCKET_ADAPTER=postgres) sends messages between hub replicas with NOTIFY; one over
 * NOTIFY's 8000-byte limit goes through this table, which the adapter prunes of rows older than 30 seconds. Created
 * here rather than by the adapter, because the hub's app role may not create tables.
 */
export class SocketIoAttachments1795360000000 implements MigrationInterface {
  name = 'SocketIoAttachments1795360000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "socket_io_attachments" (
         "id" bigserial UNIQUE,
         "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
         "payload" bytea NOT NULL
       )`,
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_socket_io_attachments_created_at" ON "socket_io_attachments" ("created_at")',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "socket_io_attachments"');
  }
}
