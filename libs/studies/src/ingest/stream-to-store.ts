import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ObjectStore, PutOptions, StoredObject } from '@hub/storage';
import { PrefixCaptureTransform } from './prefix-capture.transform.js';

/**
 * Streams a body into the object store while keeping its first `captureBytes` (for a header parser or a sniffer).
 * When the store gives up (too large, unreachable) the body is drained, not destroyed, so a multipart reader can go
 * on to its next part; the store's error is rethrown and nothing stays stored.
 */
export async function streamToStore(
  store: ObjectStore,
  body: Readable,
  captureBytes: number,
  options: PutOptions,
): Promise<{ stored: StoredObject; prefix: Buffer }> {
  const capture = new PrefixCaptureTransform(captureBytes);
  // Its errors reach us as store.put's rejection; pipe() would otherwise re-raise them once the store let go.
  capture.on('error', () => undefined);
  // pipe() does not pass a broken source's error on, so it is forwarded by hand.
  const forwardError = (err: Error) => capture.destroy(err);
  body.once('error', forwardError);
  body.pipe(capture);
  try {
    const stored = await store.put(capture, options);
    return { stored, prefix: capture.prefix };
  } catch (err) {
    body.unpipe(capture);
    body.resume();
    await finished(body).catch(() => undefined);
    throw err;
  } finally {
    body.off('error', forwardError);
  }
}
