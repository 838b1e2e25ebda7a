import pg from 'pg';
import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { migrations } from './migrations/index.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityList = MixedList<Function | string | EntitySchema>;

// A DATE is a calendar day, not an instant: keep '1960-05-17' as that string instead of a local-midnight Date.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);

/** The one place connection options are built: the hub, the migration scripts and the tests share it. */
export function buildDataSourceOptions(url: string, entities: EntityList = [], poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    poolSize,
    applicationName: 'consortium-hub',
    // gen_random_uuid() is built into PostgreSQL 13+: no extension to install, so the app role needs no CREATE right.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
  };
}
