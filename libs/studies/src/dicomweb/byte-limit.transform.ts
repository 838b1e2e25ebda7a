import { Transform, type TransformCallback } from 'node:stream';
import { DomainError } from '@hub/core';

/** Fails the stream once more than `limit` bytes arrived (a chunked request body has no Content-Length to check). */
export class ByteLimitTransform extends Transform {
  private seen = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) {
      callback(
        new DomainError('too_large', `The request body is larger than ${this.limit} bytes (STOW_MAX_REQUEST_BYTES)`),
      );
      return;
    }
    callback(null, chunk);
  }
}
