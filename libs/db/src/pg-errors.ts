import { QueryFailedError } from 'typeorm';

/** PostgreSQL SQLSTATE codes the data layer turns into domain errors. */
export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';
export const PG_INSUFFICIENT_PRIVILEGE = '42501';

export function pgErrorCode(err: unknown): string | undefined {
  if (err instanceof QueryFailedError) {
    const code = (err.driverError as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? code : undefined;
  }
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export const isUniqueViolation = (err: unknown): boolean => pgErrorCode(err) === PG_UNIQUE_VIOLATION;
export const isForeignKeyViolation = (err: unknown): boolean => pgErrorCode(err) === PG_FOREIGN_KEY_VIOLATION;
