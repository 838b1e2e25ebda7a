import type { Readable } from 'node:stream';

/** What a completed put reports. The key is derived from the content (SHA-256), never from caller input. */
export interface StoredObject {
  key: string;
  size: number;
  sha256: string;
}

export interface ObjectStat {
  key: string;
  size: number;
  lastModified: Date;
}

export interface PutOptions {
  /** Recorded where the backend keeps it (S3 Content-Type); informational only. */
  contentType?: string;
  /** Refuse (DomainError 'too_large') once more than this many bytes have arrived; nothing is left behind. */
  maxBytes?: number;
}

/**
 * The object store port. Implementations stream: memory use stays flat whatever the object size.
 * Keys are content addresses ("sha256/ab/cd/<hex>"), so putting the same bytes twice is a no-op that returns the same key.
 */
export interface ObjectStore {
  readonly backend: 'local' | 's3';
  put(body: Readable, options?: PutOptions): Promise<StoredObject>;
  /** Throws DomainError 'not_found' when the key does not exist. */
  get(key: string): Promise<Readable>;
  /** null when the key does not exist. */
  stat(key: string): Promise<ObjectStat | null>;
  /** Idempotent: deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** A time-limited GET URL, or null where the backend has none (local disk). */
  presignedGetUrl(key: string, expirySeconds: number): Promise<string | null>;
  /** A time-limited PUT URL for bytes whose SHA-256 the caller already knows, or null where the backend has none. */
  presignedPutUrl(sha256: string, expirySeconds: number): Promise<{ key: string; url: string } | null>;
  /** Removes temporary uploads (a crash's leftovers) older than this; returns how many. */
  removeStaleUploads(olderThanMinutes: number): Promise<number>;
  /** Lists every key (for the orphan clean-up job); streams rather than collecting. */
  listKeys(): AsyncIterable<string>;
  /** Cheap reachability check for /health. */
  ping(): Promise<void>;
}

export const OBJECT_STORE = Symbol('OBJECT_STORE');
