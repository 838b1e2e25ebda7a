import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client, CopyDestinationOptions, CopySourceOptions } from 'minio';
import { DomainError } from '@hub/core';
import { HashingMeterTransform } from './hashing-meter.transform.js';
import { DEFAULT_PART_SIZE } from './multipart-plan.js';
import { isObjectKey, objectKeyFor, sha256OfKey } from './object-key.js';
import type { ObjectStat, ObjectStore, PutOptions, StoredObject } from './object-store.port.js';
import { S3UploadWritable } from './s3-upload.writable.js';
import { asStoreOutage } from './store-outage.js';

export interface S3ObjectStoreOptions {
  /** Host name or IP address only (no scheme, no port). */
  endPoint: string;
  port?: number;
  useSSL: boolean;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
  /** Size of the buffered upload parts (default 8 MiB, at least 5 MiB). */
  partSize?: number;
}

/** How outage messages name this store. */
const STORE = 'S3';
const TEMP_PREFIX = 'tmp/';
const OBJECT_PREFIX = 'sha256/';
/** S3's limit for a single-request CopyObject; larger objects are copied part by part. */
const MAX_SINGLE_COPY_BYTES = 5 * 1024 ** 3;
const COPY_PART_BYTES = 1024 ** 3;

/**
 * Content-addressed objects in any S3-compatible bucket (AWS, MinIO and its forks, SeaweedFS, Ceph RGW).
 * The digest is only known once the body has been read, so bytes land under `tmp/<uuid>` first and are then
 * copied server-side to `sha256/ab/cd/<hex>`.
 */
export class S3ObjectStore implements ObjectStore {
  readonly backend = 's3' as const;
  readonly bucket: string;
  private readonly client: Client;
  private readonly region: string;
  private readonly partSize: number;

  constructor(options: S3ObjectStoreOptions) {
    this.bucket = options.bucket;
    this.region = options.region;
    this.partSize = options.partSize ?? DEFAULT_PART_SIZE;
    this.client = new Client({
      endPoint: options.endPoint,
      port: options.port,
      useSSL: options.useSSL,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      region: options.region,
    });
  }

  /** Creates the bucket when it does not exist yet. */
  async ensureBucket(): Promise<void> {
    if (!(await this.client.bucketExists(this.bucket))) {
      try {
        await this.client.makeBucket(this.bucket, this.region);
      } catch (error) {
        // Another instance may have created it in the meantime.
        if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(errorCode(error) ?? '')) {
          throw error;
        }
      }
    }
  }

  async put(body: Readable, options: PutOptions = {}): Promise<StoredObject> {
    const tempKey = `${TEMP_PREFIX}${randomUUID()}`;
    const meter = new HashingMeterTransform(options.maxBytes);
    const upload = new S3UploadWritable({
      client: this.client,
      bucket: this.bucket,
      objectName: tempKey,
      contentType: options.contentType,
      basePartSize: this.partSize,
    });
    try {
      await pipeline(body, meter, upload);
      const sha256 = meter.sha256;
      const key = objectKeyFor(sha256);
      if ((await this.stat(key)) === null) {
        await this.copy(tempKey, key, meter.bytes);
      }
      return { key, size: meter.bytes, sha256 };
    } catch (error) {
      await upload.abort();
      // The body failing (a client cutting its upload) is not the store being down.
      const fromBody = body.errored === error;
      if (!body.destroyed) {
        body.destroy();
      }
      throw fromBody ? error : asStoreOutage(error, STORE);
    } finally {
      await this.removeQuietly(tempKey);
    }
  }

  async get(key: string): Promise<Readable> {
    sha256OfKey(key);
    try {
      return await this.client.getObject(this.bucket, key);
    } catch (error) {
      if (isMissingObject(error)) {
        throw new DomainError('not_found', `object ${key} does not exist`);
      }
      throw asStoreOutage(error, STORE);
    }
  }

  async stat(key: string): Promise<ObjectStat | null> {
    sha256OfKey(key);
    try {
      const info = await this.client.statObject(this.bucket, key);
      return { key, size: info.size, lastModified: info.lastModified };
    } catch (error) {
      if (isMissingObject(error)) {
        return null;
      }
      throw asStoreOutage(error, STORE);
    }
  }

  async delete(key: string): Promise<void> {
    sha256OfKey(key);
    try {
      await this.client.removeObject(this.bucket, key);
    } catch (error) {
      if (!isMissingObject(error)) {
        throw asStoreOutage(error, STORE);
      }
    }
  }

  async presignedGetUrl(key: string, expirySeconds: number): Promise<string | null> {
    sha256OfKey(key);
    return this.client.presignedGetObject(this.bucket, key, expirySeconds);
  }

  /**
   * S3 does not check that the uploaded bytes hash to the key, so whoever accepts a presigned upload must verify it
   * (get and hash) before trusting the object.
   */
  async presignedPutUrl(sha256: string, expirySeconds: number): Promise<{ key: string; url: string } | null> {
    const key = objectKeyFor(sha256);
    const url = await this.client.presignedPutObject(this.bucket, key, expirySeconds);
    return { key, url };
  }

  async *listKeys(): AsyncIterable<string> {
    for await (const item of this.listObjects(OBJECT_PREFIX)) {
      if (isObjectKey(item.name)) {
        yield item.name;
      }
    }
  }

  async ping(): Promise<void> {
    const exists = await this.client.bucketExists(this.bucket).catch((error: unknown) => {
      throw asStoreOutage(error, STORE);
    });
    if (!exists) {
      throw new Error(`bucket ${this.bucket} does not exist`);
    }
  }

  /** Lists the temporary keys of puts in progress or interrupted by a crash. */
  async *listTempKeys(): AsyncIterable<{ key: string; lastModified: Date }> {
    for await (const item of this.listObjects(TEMP_PREFIX)) {
      yield { key: item.name, lastModified: item.lastModified };
    }
  }

  /** Removes temporary keys (crash leftovers) older than `olderThanMinutes`; returns how many. */
  async removeStaleUploads(olderThanMinutes: number): Promise<number> {
    const cutoff = Date.now() - olderThanMinutes * 60_000;
    const stale: string[] = [];
    for await (const item of this.listTempKeys()) {
      if (item.lastModified.getTime() < cutoff) {
        stale.push(item.key);
      }
    }
    for (const key of stale) {
      await this.client.removeObject(this.bucket, key);
    }
    return stale.length;
  }

  private async *listObjects(prefix: string): AsyncIterable<{ name: string; lastModified: Date }> {
    const stream = this.client.listObjectsV2(this.bucket, prefix, true);
    for await (const item of stream) {
      const entry = item as { name?: string; lastModified?: Date };
      if (typeof entry.name === 'string') {
        yield { name: entry.name, lastModified: entry.lastModified ?? new Date(0) };
      }
    }
  }

  private async copy(sourceKey: string, targetKey: string, size: number): Promise<void> {
    if (size <= MAX_SINGLE_COPY_BYTES) {
      await this.client.copyObject(
        new CopySourceOptions({ Bucket: this.bucket, Object: sourceKey }),
        new CopyDestinationOptions({ Bucket: this.bucket, Object: targetKey }),
      );
      return;
    }
    await this.copyInParts(sourceKey, targetKey, size);
  }

  private async copyInParts(sourceKey: string, targetKey: string, size: number): Promise<void> {
    const uploadId = await this.client.initiateNewMultipartUpload(this.bucket, targetKey, {});
    try {
      const parts: { part: number; etag: string }[] = [];
      for (let start = 0, part = 1; start < size; start += COPY_PART_BYTES, part += 1) {
        const end = Math.min(start + COPY_PART_BYTES, size) - 1;
        const result = await this.client.uploadPart(
          {
            bucketName: this.bucket,
            objectName: targetKey,
            uploadID: uploadId,
            partNumber: part,
            headers: {
              'x-amz-copy-source': encodeURI(`${this.bucket}/${sourceKey}`),
              'x-amz-copy-source-range': `bytes=${start}-${end}`,
            },
          },
          '',
        );
        parts.push({ part, etag: result.etag });
      }
      await this.client.completeMultipartUpload(this.bucket, targetKey, uploadId, parts);
    } catch (error) {
      await this.client.abortMultipartUpload(this.bucket, targetKey, uploadId).catch(() => undefined);
      throw error;
    }
  }

  private async removeQuietly(key: string): Promise<void> {
    try {
      await this.client.removeObject(this.bucket, key);
    } catch {
      // A leftover temp key costs only storage; removeStaleUploads sweeps it up later.
    }
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

function isMissingObject(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'NoSuchKey' || code === 'NotFound';
}
