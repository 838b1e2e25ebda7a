import { AsyncLocalStorage } from 'node:async_hooks';
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { FileStore } from '@tus/file-store';
import { Server } from '@tus/server';
import { type Actor, DomainError, forbidden, HUB_CONFIG, type HubConfig } from '@hub/core';

export const UPLOADS_PATH = '/api/uploads';
export const UPLOAD_ID = /^[0-9a-f]{32}$/;

/** A completed resumable upload, ready to be moved into the object store. */
export interface CompletedUpload {
  id: string;
  fileName: string;
  size: number;
  open(): Readable;
}

/**
 * Resumable uploads (the tus 1.0 protocol) for files too large to send in one request: whole-slide images of several
 * gigabytes, long Holter tracings. Bytes land in DATA_DIR/uploads; each upload belongs to the institution whose user
 * created it, and only that institution can append to it, read its offset or attach it to a study.
 */
@Injectable()
export class ResumableUploads {
  private readonly logger = new Logger('ResumableUploads');
  private readonly store: FileStore;
  private readonly server: Server;
  private readonly caller = new AsyncLocalStorage<Actor>();
  /** Uploads being attached right now: one upload becomes one study file, never two. */
  private readonly attaching = new Set<string>();

  constructor(@Inject(HUB_CONFIG) config: HubConfig) {
    this.store = new FileStore({
      directory: path.resolve(config.DATA_DIR, 'uploads'),
      expirationPeriodInMilliseconds: config.RESUMABLE_UPLOAD_EXPIRY_HOURS * 3600_000,
    });
    this.server = new Server({
      path: UPLOADS_PATH,
      datastore: this.store,
      maxSize: config.RESUMABLE_UPLOAD_MAX_BYTES,
      respectForwardedHeaders: config.TRUST_PROXY !== false,
      onUploadCreate: async (_req, upload) => {
        const actor = this.caller.getStore()!;
        // The owner is recorded by the hub, whatever Upload-Metadata the client sent.
        return {
          metadata: {
            filename: upload.metadata?.filename ?? null,
            institutionId: actor.institutionId,
            userId: actor.userId,
          },
        };
      },
    });
  }

  /** Serves one tus request (POST creates, HEAD tells the offset, PATCH appends, DELETE abandons). */
  async handle(actor: Actor, uploadId: string | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (uploadId !== undefined) await this.assertOwned(actor, uploadId);
    await this.caller.run(actor, () => this.server.handle(req, res));
  }

  /** A completed upload of the caller's institution, reserved until `release` (after the study is committed or not). */
  async reserve(actor: Actor, uploadId: string): Promise<CompletedUpload> {
    const upload = await this.assertOwned(actor, uploadId);
    if (upload.size === undefined || upload.offset !== upload.size) {
      throw new DomainError(
        'conflict',
        `Upload ${uploadId} is not complete (${upload.offset} of ${upload.size ?? 'unknown'} bytes): resume it first`,
      );
    }
    if (this.attaching.has(uploadId)) throw new DomainError('conflict', `Upload ${uploadId} is being attached already`);
    this.attaching.add(uploadId);
    const file = path.join(this.store.directory, uploadId);
    return {
      id: uploadId,
      fileName: upload.metadata?.filename ?? uploadId,
      size: upload.size,
      open: () => createReadStream(file, { highWaterMark: 1024 * 1024 }),
    };
  }

  /** Ends a reservation; a consumed upload's bytes are deleted (they are in the object store now). */
  async release(uploadId: string, consumed: boolean): Promise<void> {
    this.attaching.delete(uploadId);
    if (consumed) await this.store.remove(uploadId).catch((err: Error) => this.logger.warn(`remove: ${err.message}`));
  }

  /** Removes unfinished uploads past RESUMABLE_UPLOAD_EXPIRY_HOURS; returns how many. */
  removeExpired(): Promise<number> {
    return this.server.cleanUpExpiredUploads();
  }

  private async assertOwned(actor: Actor, uploadId: string) {
    if (!UPLOAD_ID.test(uploadId)) throw new DomainError('not_found', `Upload ${uploadId} does not exist`);
    const upload = await this.store.getUpload(uploadId).catch(() => null);
    if (!upload) throw new DomainError('not_found', `Upload ${uploadId} does not exist or has expired`);
    if (upload.metadata?.institutionId !== actor.institutionId) {
      throw forbidden(`Upload ${uploadId} was started by another institution`);
    }
    return upload;
  }
}
