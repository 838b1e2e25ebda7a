import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { TRY_OBJECT_DELETION_GUARD } from '@hub/db';
import { OBJECT_STORE, type ObjectStore } from '@hub/storage';

/** Names the lock that orders "file a row pointing to this object" against "delete this object". */
export const objectLockName = (key: string) => `object:${key}`;

/** Takes that lock until the transaction ends. */
export const lockObject = (m: EntityManager, key: string) =>
  m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [objectLockName(key)]);

/**
 * Which objects committed rows point to (DICOM instances, uploaded study files), and the one safe way to delete an
 * object: under its lock, only when nothing points to it (the same bytes may belong to another study), and never while
 * a backup is copying objects (see BACKUP_GUARD_LOCK).
 */
@Injectable()
export class ObjectReferences {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
  ) {}

  async deleteIfUnreferenced(key: string): Promise<boolean> {
    return this.dataSource.transaction(async (m) => {
      const [guard]: { allowed: boolean }[] = await m.query(TRY_OBJECT_DELETION_GUARD);
      if (!guard!.allowed) return false; // a backup is copying objects: left for a later sweep
      await lockObject(m, key);
      const rows: unknown[] = await m.query(
        `SELECT 1 FROM instances WHERE object_key = $1 UNION ALL SELECT 1 FROM study_files WHERE object_key = $1 LIMIT 1`,
        [key],
      );
      if (rows.length > 0) return false;
      await this.store.delete(key);
      return true;
    });
  }
}
