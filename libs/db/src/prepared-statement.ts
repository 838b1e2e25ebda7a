import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * A statement PostgreSQL parses and plans once per connection, not on every call (a named prepared statement). For
 * the few statements that run on every request, where planning costs more than executing: the session look-up of
 * each request, the look-up of each ingested instance. Run through a transaction's manager, it runs in that
 * transaction; through the data source, on a pooled connection of its own.
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
    } finally {
      if (!transactionRunner) await runner.release();
    }
  }
}
