import { Transform, type TransformCallback } from 'node:stream';

/**
 * Passes every byte through (to the object store) and keeps a copy of the first `limit` bytes (for the header parser),
 * so an instance is read once, as it streams, and only its head is ever held in memory.
 */
export class PrefixCaptureTransform extends Transform {
  private readonly chunks: Buffer[] = [];
  private captured = 0;

  constructor(private readonly limit: number) {
    super();
  }

  get prefix(): Buffer {
    return Buffer.concat(this.chunks, this.captured);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.captured < this.limit) {
      const take = chunk.subarray(0, this.limit - this.captured);
      this.chunks.push(Buffer.from(take));
      this.captured += take.length;
    }
    callback(null, chunk);
  }
}
