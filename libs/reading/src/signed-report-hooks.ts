import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Discipline } from '@hub/core';
import type { ReportMark } from './report-view.js';

/** What a signed report means for the layers after reading (mutual recognition): ids and facts, no report text. */
export interface SignedReportFacts {
  reportId: string;
  taskId: string;
  studyId: string;
  patientId: string;
  consortiumId: string;
  discipline: Discipline;
  examCode: string | null;
  signedAt: Date;
}

export interface ReportAmendmentFacts {
  reportId: string;
  studyId: string;
  addendumSeq: number;
  /** The addendum corrects the result itself (values, measurements, findings), not only wording. */
  changesResult: boolean;
  signedAt: Date;
}

/** A later layer's part in signing: runs inside the signing transaction, so both land or neither. */
export interface SignedReportHook {
  onSigned(manager: EntityManager, facts: SignedReportFacts): Promise<void>;
  onAmended(manager: EntityManager, facts: ReportAmendmentFacts): Promise<void>;
}

/**
 * Where later layers (recognition) plug into signing without reading depending on them: they register a hook at
 * start-up, and the report writer calls every hook inside its transaction.
 */
@Injectable()
export class SignedReportHooks {
  private readonly hooks: SignedReportHook[] = [];

  register(hook: SignedReportHook): void {
    this.hooks.push(hook);
  }

  async signed(manager: EntityManager, facts: SignedReportFacts): Promise<void> {
    for (const hook of this.hooks) await hook.onSigned(manager, facts);
  }

  async amended(manager: EntityManager, facts: ReportAmendmentFacts): Promise<void> {
    for (const hook of this.hooks) await hook.onAmended(manager, facts);
  }
}

/** Gives the marks of a signed report as of now (e.g. the 互认 HR mark while the result is recognisable). */
export type ReportMarkSource = (manager: EntityManager, reportId: string) => Promise<ReportMark[]>;

/** Where later layers add marks to signed reports when they are read (JSON and PDF), without reading knowing them. */
@Injectable()
export class ReportMarks {
  private readonly sources: ReportMarkSource[] = [];

  register(source: ReportMarkSource): void {
    this.sources.push(source);
  }

  async of(manager: EntityManager, reportId: string): Promise<ReportMark[]> {
    const marks: ReportMark[] = [];
    for (const source of this.sources) marks.push(...(await source(manager, reportId)));
    return marks;
  }
}
