import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hub processes keep live sessions in memory (SESSION_CACHE_SECONDS) and drop them when these triggers say something
 * they depend on changed: a session (revoked, expired, deleted), a user's roles, standing, institution or name, an
 * institution's consortium; a TRUNCATE of any of them (a restore) drops everything. pg_notify is delivered at commit,
 * to every listening process of every replica.
 */
export class SessionChangeNotifications1795396705849 implements MigrationInterface {
  name = 'SessionChangeNotifications1795396705849';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION auth_change_notify() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_LEVEL = 'STATEMENT' THEN
          PERFORM pg_notify('hub_auth_change', 'all');
        ELSIF TG_TABLE_NAME = 'auth_sessions' THEN
          PERFORM pg_notify('hub_auth_change', 'session:' || OLD.id);
        ELSIF TG_TABLE_NAME = 'users' THEN
          PERFORM pg_notify('hub_auth_change', 'user:' || OLD.id);
        ELSE
          PERFORM pg_notify('hub_auth_change', 'all');
        END IF;
        RETURN NULL;
      END
      $$`);
    for (const [table, change] of [
      ['auth_sessions', 'UPDATE OR DELETE'],
      ['users', 'UPDATE OF roles, active, institution_id, username OR DELETE'],
      ['institutions', 'UPDATE OF consortium_id OR DELETE'],
    ]) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_auth_change AFTER ${change} ON ${table} FOR EACH ROW EXECUTE FUNCTION auth_change_notify()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER ${table}_auth_truncate AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION auth_change_notify()`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['auth_sessions', 'users', 'institutions']) {
      await queryRunner.query(`DROP TRIGGER ${table}_auth_truncate ON ${table}`);
      await queryRunner.query(`DROP TRIGGER ${table}_auth_change ON ${table}`);
    }
    await queryRunner.query('DROP FUNCTION auth_change_notify()');
  }
}
