import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { type Actor, DomainError, HUB_CONFIG, type HubConfig, HubMetrics } from '@hub/core';
import { OBJECT_STORE, type ObjectStore, type StoredObject } from '@hub/storage';
import { parseDicomHeader } from '../dicom/parse-dicom-header.js';
import { DicomRejection, FailureReason, type ParsedInstance } from '../dicom/parsed-instance.js';
import { InstanceIndexRepository } from './instance-index.repository.js';
import { readHead } from './read-head.js';
import { streamToStore } from './stream-to-store.js';

/** The most of an instance's head the header parser reads; bigger headers are refused (0xA700). */
export const MAX_HEADER_BYTES = 8 * 1024 * 1024;
/**
 * What is kept of an instance's head while it streams to the store: the header of almost every image ends well
 * before this (its pixel data follows). Longer ones (enhanced multi-frame, waveforms and documents, which have no
 * pixel data to stop at) are read again from the store, up to MAX_HEADER_BYTES.
 */
export const STREAMED_HEAD_BYTES = 64 * 1024;

export type InstanceResult =
  | {
      ok: true;
      parsed: ParsedInstance;
      /** Set when this call created the row (not for a repeat of stored bytes): what a failed request must undo. */
      newInstanceId?: string;
      /** Bytes of the instance as stored. */
      size: number;
    }
  | { ok: false; reason: number; message: string; sopClassUid?: string; sopInstanceUid?: string };

/**
 * One instance from any source (a STOW-RS part or a DIMSE C-STORE): streamed to the object store while its
 * head is captured, parsed, checked and filed. Whatever fails, nothing it wrote stays behind.
 */
@Injectable()
export class InstanceIngestService {
  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly index: InstanceIndexRepository,
    private readonly metrics: HubMetrics,
  ) {}

  async ingest(actor: Actor, body: Readable, expectedStudyUid?: string): Promise<InstanceResult> {
    let result: InstanceResult | undefined;
    try {
      result = await this.receive(actor, body, expectedStudyUid);
      return result;
    } finally {
      this.count(result);
    }
  }

  private count(result: InstanceResult | undefined): void {
    if (!result?.ok) return void this.metrics.ingestedInstances.inc({ outcome: 'failed' });
    if (result.newInstanceId === undefined) return void this.metrics.ingestedInstances.inc({ outcome: 'duplicate' });
    this.metrics.ingestedInstances.inc({ outcome: 'stored' });
    this.metrics.ingestedBytes.inc(result.size);
  }

  private async receive(actor: Actor, body: Readable, expectedStudyUid?: string): Promise<InstanceResult> {
    let received: Awaited<ReturnType<typeof streamToStore>>;
    try {
      received = await streamToStore(this.store, body, STREAMED_HEAD_BYTES, {
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

  private async parseHeader(stored: StoredObject, head: Buffer): Promise<ParsedInstance> {
    const options = { totalSize: stored.size, maxHeaderBytes: MAX_HEADER_BYTES };
    try {
      return parseDicomHeader(head, options);
    } catch (err) {
      const more = head.length < Math.min(MAX_HEADER_BYTES, stored.size);
      // Out of resources is also what a header running past the streamed head gives.
      if (!(err instanceof DicomRejection) || err.reason !== FailureReason.OutOfResources || !more) throw err;
      return parseDicomHeader(await readHead(await this.store.get(stored.key), MAX_HEADER_BYTES), options);
    }
  }

  private async fileStored(
    actor: Actor,
    stored: StoredObject,
    prefix: Buffer,
    expectedStudyUid: string | undefined,
  ): Promise<InstanceResult> {
    let parsed: ParsedInstance;
    try {
      parsed = await this.parseHeader(stored, prefix);
    } catch (err) {
      // The parser turns every problem of the bytes into a DicomRejection; anything else is the store failing.
      await this.index.deleteObjectIfUnreferenced(stored.key);
      if (err instanceof DicomRejection) return { ok: false, reason: err.reason, message: err.message, ...err.uids };
      throw err;
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
      const newInstanceId = outcome.status === 'stored' ? outcome.instanceId : undefined;
      return { ok: true, parsed, newInstanceId, size: stored.size };
    } catch (err) {
      await this.index.deleteObjectIfUnreferenced(stored.key);
      throw err;
    }
  }
}
