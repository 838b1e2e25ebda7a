/** Errors of the network between the hub and a service it depends on (the database, the object store), as Node reports them. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** The network error code inside `error` (its cause, or one of an AggregateError's), if any. */
export function networkErrorCode(error: unknown, depth = 0): string | null {
  const e = error as { code?: unknown; cause?: unknown; errors?: unknown } | null;
  if (!e || depth > 3) return null;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
  const nested = [e.cause, ...(Array.isArray(e.errors) ? e.errors : [])];
  for (const inner of nested) {
    const code = networkErrorCode(inner, depth + 1);
    if (code) return code;
  }
  return null;
}
