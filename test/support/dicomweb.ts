import { readdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { TestApp } from './test-app.js';

/** A STOW-RS body: each buffer a part with its own Content-Type. */
export function multipartRelated(parts: { body: Buffer; contentType?: string }[], boundary: string): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: ${part.contentType ?? 'application/dicom'}\r\n\r\n`));
    chunks.push(part.body, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

export const stowContentType = (boundary: string) =>
  `multipart/related; type="application/dicom"; boundary=${boundary}`;

async function countFiles(dir: string): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let n = 0;
  for (const e of entries) n += e.isDirectory() ? await countFiles(path.join(dir, e.name)) : 1;
  return n;
}

export interface StoredCounts {
  patients: number;
  studies: number;
  series: number;
  instances: number;
  studyFiles: number;
  labResults: number;
  objects: number;
  tempFiles: number;
}

/** What is stored, in the database and on disk: a request that failed must leave these as they were. */
export async function storedCounts(t: TestApp): Promise<StoredCounts> {
  const client = new pg.Client({ connectionString: t.adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT (SELECT count(*) FROM patients)::int AS patients, (SELECT count(*) FROM studies)::int AS studies,
              (SELECT count(*) FROM series)::int AS series, (SELECT count(*) FROM instances)::int AS instances,
              (SELECT count(*) FROM study_files)::int AS "studyFiles",
              (SELECT count(*) FROM lab_results)::int AS "labResults"`,
    );
    return {
      ...(rows[0] as Omit<StoredCounts, 'objects' | 'tempFiles'>),
      objects: await countFiles(path.join(t.dataDir, 'objects', 'sha256')),
      tempFiles: await countFiles(path.join(t.dataDir, 'objects', 'tmp')),
    };
  } finally {
    await client.end();
  }
}
