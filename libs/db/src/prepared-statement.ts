import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { returningRows } from './returning-rows.js';

/**
 * A statement PostgreSQL parses and plans once per connection, not on every call (a named prepared statement). For
 * the statements that run on every request, where planning costs more than executing: the session look-up of each
 * request, the look-up of each ingested instance, a reader's claim. Run through a transaction's manager, it runs in
 * that transaction; through the data source, on a pooled connection of its own. Errors come back as TypeORM's
 * QueryFailedError, as from `manager.query`, so the error filter keeps their values out of the log.
 */
export class PreparedStatement<Row> {
  /** Derived from the text: a connection that prepared another text under the same name would refuse it. */
  private readonly name: string;

  constructor(readonly text: string) {
    this.name = `hub_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
  }

  async run(source: DataSource | EntityManager, params: unknown[]): Promise<Row[]> {
    const manager = source instanceof DataSource ? source.manager : source;
    const transactionRunner = manager.queryRunner;
    const runner = transactionRunner ?? manager.connection.createQueryRunner();
    try {
      const client = (await runner.connect()) as PoolClient;
      const result = await client.query<Row & object>({ name: this.name, text: this.text, values: params });
      return result.rows;
    } catch (err) {
      throw err instanceof Error && 'severity' in err ? new QueryFailedError(this.text, params, err) : err;
    } finally {
      if (!transactionRunner) await runner.release();
    }
  }
}

/** Statement texts composed at run time (see preparedQuery); more distinct texts than this are not prepared. */
const MAX_COMPOSED = 200;
const composed = new Map<string, PreparedStatement<unknown>>();

/**
 * Runs a statement whose text is composed from a fixed template at run time (the audit trail wraps each caller's
 * statement with its event insert) as a named prepared statement, one per distinct text. Texts that vary with their
 * data must not come here: past MAX_COMPOSED distinct texts, the rest run unprepared. Resolves to the rows (of a
 * RETURNING clause too).
 */
export function preparedQuery<Row>(manager: EntityManager, text: string, params: unknown[]): Promise<Row[]> {
  let statement = composed.get(text);
  if (!statement) {
    if (composed.size >= MAX_COMPOSED) return returningRows<Row>(manager, text, params);
    statement = new PreparedStatement<unknown>(text);
    composed.set(text, statement);
  }
  return statement.run(manager, params) as Promise<Row[]>;
}
