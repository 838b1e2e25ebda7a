import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { AuditTrail } from '@hub/audit';
import { type Actor, DomainError, forbidden, HUB_CONFIG, type HubConfig } from '@hub/core';
import type { DicomJsonDataset } from '../dicom/parsed-instance.js';
import { FailureReason } from '../dicom/parsed-instance.js';
import { type InstanceResult, InstanceIngestService } from '../ingest/instance-ingest.service.js';
import { parseContentType, readMultipart } from '../multipart/index.js';
import { mayStoreStudies } from '../study-access.policy.js';
import { ByteLimitTransform } from './byte-limit.transform.js';
import { stowResponse } from './stow-response.js';

const MAX_PARTS = 100_000;
const MAX_PART_HEADER_BYTES = 16 * 1024;

export interface StowRequest {
  body: Readable;
  contentType: string | undefined;
  contentLength: string | undefined;
  base: string;
  expectedStudyUid?: string;
}

/** STOW-RS (PS3.18 §10.5): every part streamed through ingest; a request that fails as a whole leaves nothing. */
@Injectable()
export class StowService {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly ingest: InstanceIngestService,
    private readonly audit: AuditTrail,
  ) {}

  async store(actor: Actor, req: StowRequest): Promise<{ status: number; body: DicomJsonDataset }> {
    if (!mayStoreStudies(actor)) throw forbidden('Only clinic staff of an institution can send studies');
    const boundary = this.checkHeaders(req);
    const results: InstanceResult[] = [];
    try {
      const body = req.body.pipe(new ByteLimitTransform(this.config.STOW_MAX_REQUEST_BYTES));
      req.body.once('error', (err) => body.destroy(err));
      for await (const part of readMultipart(body, boundary, {
        maxParts: MAX_PARTS,
        maxHeaderBytes: MAX_PART_HEADER_BYTES,
      })) {
        const partType = part.headers['content-type'];
        if (partType !== undefined && parseContentType(partType).mediaType !== 'application/dicom') {
          part.body.resume();
          results.push({
            ok: false,
            reason: FailureReason.CannotUnderstand,
            message: `Part ${results.length + 1} is ${partType.slice(0, 80)}, not application/dicom`,
          });
          continue;
        }
        results.push(await this.ingest.ingest(actor, part.body, req.expectedStudyUid));
      }
    } catch (err) {
      await this.ingest.removeInstances(results.flatMap((r) => (r.ok && r.newInstanceId ? [r.newInstanceId] : [])));
      throw err;
    }
    if (results.length === 0) throw new DomainError('invalid', 'The request holds no DICOM parts');
    const response = stowResponse(req.base, results);
    await this.audit.record({
      action: 'dicomweb.stow',
      objectType: 'study',
      objectId: req.expectedStudyUid ?? null,
      outcome: response.status === 409 ? 'failed' : 'success',
      details: { parts: results.length, stored: results.filter((r) => r.ok).length },
    });
    return response;
  }

  private checkHeaders(req: StowRequest): string {
    const contentType = parseContentType(req.contentType ?? '');
    if (contentType.mediaType !== 'multipart/related') {
      throw new DomainError(
        'unsupported_media_type',
        `STOW-RS takes Content-Type multipart/related; type="application/dicom", not ${req.contentType ?? 'nothing'}`,
      );
    }
    const partType = contentType.params.type?.toLowerCase();
    if (partType !== undefined && partType !== 'application/dicom') {
      throw new DomainError(
        'unsupported_media_type',
        `Only application/dicom parts are accepted (type="${partType}" given; DICOM JSON with bulk data is not supported)`,
      );
    }
    const boundary = contentType.params.boundary;
    if (!boundary) throw new DomainError('invalid', 'The multipart Content-Type has no boundary parameter');
    const length = Number(req.contentLength);
    if (Number.isFinite(length) && length > this.config.STOW_MAX_REQUEST_BYTES) {
      throw new DomainError(
        'too_large',
        `The request body (${length} bytes) is larger than ${this.config.STOW_MAX_REQUEST_BYTES} bytes (STOW_MAX_REQUEST_BYTES)`,
      );
    }
    return boundary;
  }
}
