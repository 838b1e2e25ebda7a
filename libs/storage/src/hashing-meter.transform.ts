import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DomainError } from '@hub/core';

/** Passes bytes through while computing their SHA-256 and count; fails with 'too_large' past `maxBytes`. */
export class HashingMeterTransform extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private count = 0;
  private hex: string | undefined;

  constructor(private readonly maxBytes: number = Number.POSITIVE_INFINITY) {
    super();
    if (!(maxBytes >= 0)) {
      throw new RangeError('maxBytes must be a non-negative number');
    }
  }

  get bytes(): number {
    return this.count;
  }

  /** The hex digest; only available once the stream has ended. */
  get sha256(): string {
    if (this.hex === undefined) {
      throw new Error('the stream has not ended yet');
    }
    return this.hex;
  }

  override _transform(chunk: Buffer | string, encoding: BufferEncoding, callback: TransformCallback): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
    this.count += buf.length;
    if (this.count > this.maxBytes) {
      callback(
        new DomainError('too_large', `the object exceeds the limit of ${this.maxBytes} bytes`, {
          maxBytes: this.maxBytes,
        }),
      );
      return;
    }
    this.hash.update(buf);
    callback(null, buf);
  }

  override _flush(callback: TransformCallback): void {
    this.hex = this.hash.digest('hex');
    callback();
  }
}
