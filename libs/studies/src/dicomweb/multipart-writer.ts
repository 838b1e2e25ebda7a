import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import type { ObjectStore } from '@hub/storage';

/** Streams objects, byte for byte as stored, as one multipart/related response; one object in flight at a time. */
export async function sendDicomMultipart(
  res: Response,
  store: ObjectStore,
  parts: { objectKey: string; size: number }[],
): Promise<void> {
  const boundary = `hub-${randomBytes(12).toString('hex')}`;
  res.status(200);
  res.setHeader('Content-Type', `multipart/related; type="application/dicom"; boundary=${boundary}`);
  try {
    for (const part of parts) {
      res.write(`--${boundary}\r\nContent-Type: application/dicom\r\nContent-Length: ${part.size}\r\n\r\n`);
      await pipeline(await store.get(part.objectKey), res, { end: false });
      res.write('\r\n');
    }
    res.end(`--${boundary}--\r\n`);
  } catch (err) {
    // Headers are gone: the only honest signal left is a broken response.
    res.destroy(err instanceof Error ? err : new Error(String(err)));
  }
}
