import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Actor, DomainError, HUB_CONFIG, type HubConfig } from '@hub/core';
import { OBJECT_STORE, type ObjectStore, type StoredObject } from '@hub/storage';
import { parseDicomHeader } from '../dicom/parse-dicom-header.js';
import { DicomRejection, FailureReason, type ParsedInstance } from '../dicom/parsed-instance.js';
import { InstanceIndexRepository } from './instance-index.repository.js';
import { streamToStore } from './stream-to-store.js';

/** The most of an instance's head kept in memory for the header parser; bigger headers are refused (0xA700). */
export const MAX_HEADER_BYTES = 8 * 1024 * 1024;

export type InstanceResult =
  | {
      ok: true;
      parsed: ParsedInstance;
      /** Set when this call created the row (not for a repeat of stored bytes): what a failed request must undo. */
      newInstanceId?: string;
    }
  | { ok: false; reason: number; message: string; sopClassUid?: string; sopInstanceUid?: string };

/**
 * One instance from any source (a STOW-RS part today, a DIMSE C-STORE later): streamed to the object store while its
 * head is captured, parsed, checked and filed. Whatever fails, nothing it wrote stays behind.
 */
@Injectable()
export class InstanceIngestService {
  private readonly logger = new Logger('Ingest');

  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly index: InstanceIndexRepository,
  ) {}

  async ingest(actor: Actor, body: Readable, expectedStudyUid?: string): Promise<InstanceResult> {
    let received: Awaited<ReturnType<typeof streamToStore>>;
    try {
      received = await streamToStore(this.store, body, MAX_HEADER_BYTES, {
        maxBytes: this.config.STOW_MAX_INSTANCE_BYTES,
        contentType: 'application/dicom',
      });
    } catch (err) {
      if (err instanceof DomainError && err.kind === 'too_large') {
        return {
          ok: false,
          reason: FailureReason.OutOfResources,
          message: `The instance is larger than ${this.config.STOW_MAX_INSTANCE_BYTES} bytes (STOW_MAX_INSTANCE_BYTES)`,
        };
      }
      throw err;
    }
    return this.fileStored(actor, received.stored, received.prefix, expectedStudyUid);
  }

  /** Undo the instances a failed request had stored. */
  removeInstances(instanceIds: string[]): Promise<void> {
    return this.index.removeInstances(instanceIds);
  }

  private async fileStored(
    actor: Actor,
    stored: StoredObject,
    prefix: Buffer,
    expectedStudyUid: string | undefined,
  ): Promise<InstanceResult> {
    let parsed: ParsedInstance;
    try {
      parsed = parseDicomHeader(prefix, { totalSize: stored.size, maxHeaderBytes: MAX_HEADER_BYTES });
    } catch (err) {
      await this.index.deleteObjectIfUnreferenced(stored.key);
      if (err instanceof DicomRejection) return { ok: false, reason: err.reason, message: err.message, ...err.uids };
      this.logger.error(`header parser failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`);
      return { ok: false, reason: FailureReason.CannotUnderstand, message: 'The file could not be read as DICOM' };
    }
    const uids = { sopClassUid: parsed.sopClassUid, sopInstanceUid: parsed.sopInstanceUid };
    if (expectedStudyUid && parsed.studyInstanceUid !== expectedStudyUid) {
      await this.index.deleteObjectIfUnreferenced(stored.key);
      return {
        ok: false,
        reason: FailureReason.StudyInstanceUidMismatch,
        message: `The instance belongs to study ${parsed.studyInstanceUid}, not to ${expectedStudyUid} named in the URL`,
        ...uids,
      };
    }
    try {
      const outcome = await this.index.index(actor, parsed, stored);
      if (outcome.status === 'rejected') {
        await this.index.deleteObjectIfUnreferenced(stored.key);
        return { ok: false, reason: outcome.reason, message: outcome.message, ...uids };
      }
      return { ok: true, parsed, newInstanceId: outcome.status === 'stored' ? outcome.instanceId : undefined };
    } catch (err) {
      await this.index.deleteObjectIfUnreferenced(stored.key);
      throw err;
    }
  }
}
