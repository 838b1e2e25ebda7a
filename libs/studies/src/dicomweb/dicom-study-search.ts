import { Injectable } from '@nestjs/common';
import type { Actor } from '@hub/core';
import type { DicomJsonDataset } from '../dicom/parsed-instance.js';
import { parseQidoQuery, QIDO_MAX_LIMIT } from './qido-query.js';
import { studyResult } from './qido-response.js';
import { StudyReadRepository } from './study-read.repository.js';

/**
 * Study-level search for callers other than QIDO-RS (a DIMSE C-FIND): the same matching keys, the same scoping and
 * audit, answered in DICOM JSON with every study-level attribute the hub has.
 */
@Injectable()
export class DicomStudySearch {
  constructor(private readonly reads: StudyReadRepository) {}

  /** `matching`: QIDO-RS matching keys by keyword ("PatientID", "StudyDate" as "YYYYMMDD-YYYYMMDD" …). */
  async studies(actor: Actor, matching: Record<string, string>, limit = QIDO_MAX_LIMIT): Promise<DicomJsonDataset[]> {
    const query = parseQidoQuery({ ...matching, limit: String(limit), includefield: 'all' });
    const rows = await this.reads.searchStudies(actor, query);
    return rows.map((row) => studyResult('', row, query.includeFields));
  }
}
