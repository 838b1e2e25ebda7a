import { Writable } from 'node:stream';
import type { Client } from 'minio';
import { DEFAULT_PART_SIZE, partSizeFor } from './multipart-plan.js';

export interface S3UploadTarget {
  client: Client;
  bucket: string;
  objectName: string;
  contentType?: string;
  basePartSize?: number;
}

/**
 * Uploads whatever is written to it as one S3 object, holding at most one part in memory.
 * Multipart is driven with the client's low-level calls because its streaming putObject first lists unfinished
 * uploads, which some S3 implementations do not offer; a body smaller than one part goes up in a single PUT.
 */
export class S3UploadWritable extends Writable {
  private readonly basePartSize: number;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private uploadId: string | undefined;
  private readonly parts: { part: number; etag: string }[] = [];
  private completed = false;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly target: S3UploadTarget) {
    super();
    this.basePartSize = target.basePartSize ?? DEFAULT_PART_SIZE;
    partSizeFor(1, this.basePartSize);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered < this.nextPartSize()) {
      callback();
      return;
    }
    this.track(this.uploadFullParts()).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.track(this.finish()).then(() => callback(), callback);
  }

  /** Best effort: abandons a started multipart upload so its parts stop costing storage. */
  async abort(): Promise<void> {
    // A part or the initiation may still be in flight when the source fails; abort only after it settles.
    await this.inFlight;
    const uploadId = this.uploadId;
    this.chunks = [];
    this.buffered = 0;
    if (uploadId === undefined || this.completed) {
      return;
    }
    this.uploadId = undefined;
    try {
      await this.target.client.abortMultipartUpload(this.target.bucket, this.target.objectName, uploadId);
    } catch {
      // Not every S3 implementation supports aborts; a bucket lifecycle rule (AbortIncompleteMultipartUpload) is the backstop.
    }
  }

  private track(operation: Promise<void>): Promise<void> {
    this.inFlight = operation.catch(() => undefined);
    return operation;
  }

  private async finish(): Promise<void> {
    const { client, bucket, objectName } = this.target;
    if (this.uploadId === undefined) {
      const body = this.takeBuffered();
      await client.putObject(bucket, objectName, body, body.length, this.metadata());
      this.completed = true;
      return;
    }
    await this.uploadFullParts();
    if (this.buffered > 0) {
      await this.uploadPart(this.takeBuffered());
    }
    await client.completeMultipartUpload(bucket, objectName, this.uploadId, this.parts);
    this.completed = true;
  }

  private nextPartSize(): number {
    return partSizeFor(this.parts.length + 1, this.basePartSize);
  }

  /** Uploads exact-size parts while a whole one is buffered (a large source chunk may hold several). */
  private async uploadFullParts(): Promise<void> {
    while (this.buffered >= this.nextPartSize()) {
      await this.uploadPart(this.takeBuffered(this.nextPartSize()));
    }
  }

  private async uploadPart(body: Buffer): Promise<void> {
    const { client, bucket, objectName } = this.target;
    if (this.uploadId === undefined) {
      this.uploadId = await client.initiateNewMultipartUpload(bucket, objectName, this.metadata());
    }
    const part = this.parts.length + 1;
    const result = await client.uploadPart(
      { bucketName: bucket, objectName, uploadID: this.uploadId, partNumber: part, headers: {} },
      body,
    );
    this.parts.push({ part, etag: result.etag });
  }

  /** Removes and returns the first `size` buffered bytes (all of them by default). */
  private takeBuffered(size: number = this.buffered): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
    const body = all.subarray(0, size);
    const rest = all.subarray(size);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return body;
  }

  private metadata(): Record<string, string> {
    return this.target.contentType ? { 'Content-Type': this.target.contentType } : {};
  }
}
