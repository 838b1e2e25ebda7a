interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Rows of an UPDATE/DELETE … RETURNING. TypeORM's query() answers [rows, rowCount] for UPDATE and DELETE but plain
 * rows for everything else; this hides the difference.
 */
export async function returningRows<T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T[]> {
  const result = await db.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}
