import type { AuditEntry } from './audit-event.js';
import type { AuditTrail } from './audit-trail.service.js';

/**
 * A refusal found inside a transaction. Throwing it rolls the transaction back; `recordRefusals` then writes the
 * denied audit event on a connection of its own and throws the refusal's error. Recording it inside the transaction
 * would be rolled back; recording it on a second connection while the transaction still holds its own would need two
 * connections per request, which deadlocks a busy pool.
 */
export class AuditedRefusal extends Error {
  constructor(
    readonly entry: AuditEntry,
    readonly error: Error,
  ) {
    super(error.message);
  }
}

export async function recordRefusals<T>(audit: AuditTrail, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof AuditedRefusal)) throw err;
    await audit.record({ ...err.entry, outcome: 'denied' });
    throw err.error;
  }
}
