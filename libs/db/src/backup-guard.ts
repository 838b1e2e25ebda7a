/**
 * A backup copies objects after its database snapshot, so no object its snapshot references may be deleted until the
 * copy is done. Deleting an object takes this lock in shared mode for its transaction and skips the deletion when it
 * cannot (the object is left for a later orphan sweep); a backup holds it in exclusive mode from before its snapshot
 * to the end of the copy, which also waits for deletions already under way.
 */
export const BACKUP_GUARD_LOCK = 'hub:backup-guards-objects';

/** One statement: true when deleting objects is allowed now (no backup running); held to the end of the transaction. */
export const TRY_OBJECT_DELETION_GUARD = `SELECT pg_try_advisory_xact_lock_shared(hashtext('${BACKUP_GUARD_LOCK}')) AS allowed`;

/** Session lock a backup takes (waiting for deletions in flight); released by BACKUP_GUARD_RELEASE or disconnecting. */
export const BACKUP_GUARD_TAKE = `SELECT pg_advisory_lock(hashtext('${BACKUP_GUARD_LOCK}'))`;
export const BACKUP_GUARD_RELEASE = `SELECT pg_advisory_unlock(hashtext('${BACKUP_GUARD_LOCK}'))`;
