import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hub processes keep a centre with a reader's privileges in memory (REGISTRY_CACHE_SECONDS): every claim, draft and
 * signature checks both. These triggers notify what changed: 'centre:<id>' (the centre, or the institutions it serves),
 * 'reader:<user id>' (a reading privilege given, changed or taken), 'all' after a TRUNCATE.
 */
export class RegistryChangeNotifications1795399000000 implements MigrationInterface {
  name = 'RegistryChangeNotifications1795399000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // One branch per table: PL/pgSQL resolves NEW.x and OLD.x when a statement first runs, so a field another table
    // lacks may only appear in a branch that table never takes.
    await queryRunner.query(`
      CREATE FUNCTION registry_change_notify() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_LEVEL = 'STATEMENT' THEN
          PERFORM pg_notify('hub_registry_change', 'all');
        ELSIF TG_TABLE_NAME = 'centres' THEN
          PERFORM pg_notify('hub_registry_change', 'centre:' || OLD.id);
        ELSIF TG_TABLE_NAME = 'centre_served_institutions' THEN
          IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('hub_registry_change', 'centre:' || OLD.centre_id); END IF;
          IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('hub_registry_change', 'centre:' || NEW.centre_id); END IF;
        ELSE
          IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('hub_registry_change', 'reader:' || OLD.user_id); END IF;
          IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('hub_registry_change', 'reader:' || NEW.user_id); END IF;
        END IF;
        RETURN NULL;
      END
      $$`);
    for (const [table, change] of [
      ['centres', 'UPDATE OR DELETE'],
      ['centre_served_institutions', 'INSERT OR UPDATE OR DELETE'],
      ['reading_privileges', 'INSERT OR UPDATE OR DELETE'],
    ]) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_registry_change AFTER ${change} ON ${table} FOR EACH ROW EXECUTE FUNCTION registry_change_notify()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER ${table}_registry_truncate AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION registry_change_notify()`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['centres', 'centre_served_institutions', 'reading_privileges']) {
      await queryRunner.query(`DROP TRIGGER ${table}_registry_truncate ON ${table}`);
      await queryRunner.query(`DROP TRIGGER ${table}_registry_change ON ${table}`);
    }
    await queryRunner.query('DROP FUNCTION registry_change_notify()');
  }
}
