import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError } from '@hub/core';
import { OBJECT_STORE, type ObjectStore } from '@hub/storage';

export interface ScrubProblem {
  objectKey: string;
  /** missing: no object under the key; altered: its bytes no longer hash to what was stored. */
  kind: 'missing' | 'altered';
  expectedSha256: string;
  expectedSize: number;
  actualSha256?: string;
  actualSize?: number;
}

export interface ScrubReport {
  objects: number;
  bytes: number;
  problems: ScrubProblem[];
}

/** Every object an index row points to, once, in key order (so a scrub can page through millions). */
const REFERENCED_OBJECTS = `
  SELECT object_key, min(sha256) AS sha256, min(size)::bigint AS size
    FROM (SELECT object_key, sha256, size FROM instances
          UNION ALL SELECT object_key, sha256, size FROM study_files) AS referenced
   WHERE object_key > $1
   GROUP BY object_key
   ORDER BY object_key
   LIMIT $2`;

const BATCH = 500;

/**
 * Reads back every object the index points to and checks it against the SHA-256 and size recorded when it was stored:
 * what finds bit rot, a file changed on disk or in the bucket, or an object lost from the store. Reports object keys
 * only (never patient data); repairing is a restore from backup.
 */
@Injectable()
export class ObjectScrubber {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
  ) {}

  async scrub(): Promise<ScrubReport> {
    const report: ScrubReport = { objects: 0, bytes: 0, problems: [] };
    let after = '';
    for (;;) {
      const rows: { object_key: string; sha256: string; size: string }[] = await this.dataSource.query(
        REFERENCED_OBJECTS,
        [after, BATCH],
      );
      for (const row of rows) {
        const expected = { objectKey: row.object_key, expectedSha256: row.sha256, expectedSize: Number(row.size) };
        const actual = await this.hashOf(row.object_key);
        report.objects++;
        if (!actual) {
          report.problems.push({ ...expected, kind: 'missing' });
          continue;
        }
        report.bytes += actual.size;
        if (actual.sha256 !== row.sha256 || actual.size !== expected.expectedSize)
          report.problems.push({ ...expected, kind: 'altered', actualSha256: actual.sha256, actualSize: actual.size });
      }
      if (rows.length < BATCH) return report;
      after = rows[rows.length - 1]!.object_key;
    }
  }

  private async hashOf(key: string): Promise<{ sha256: string; size: number } | null> {
    let stream;
    try {
      stream = await this.store.get(key);
    } catch (err) {
      if (err instanceof DomainError && err.kind === 'not_found') return null;
      throw err;
    }
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
    }
    return { sha256: hash.digest('hex'), size };
  }
}
