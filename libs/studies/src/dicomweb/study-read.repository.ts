import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditTrail } from '@hub/audit';
import { type Actor, notFound } from '@hub/core';
import { StudyScopes } from '../access/study-scopes.service.js';
import { StudyWhere as Where } from '../access/study-where.js';
import type { DicomJsonDataset } from '../dicom/parsed-instance.js';
import type { QidoQuery } from './qido-query.js';

export interface StudySummary {
  patientId: string;
  studyInstanceUid: string;
  studyDate: string | null;
  studyTime: string | null;
  accessionNumber: string | null;
  studyId: string | null;
  description: string | null;
  referringPhysicianName: string | null;
  patientLocalId: string | null;
  patientName: string | null;
  patientBirthDate: string | null;
  patientSex: string | null;
  modalities: string[];
  seriesCount: number;
  instanceCount: number;
  /** A representative instance's header, for includefield. */
  sample: DicomJsonDataset;
}

export interface SeriesSummary {
  patientId: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  modality: string | null;
  seriesNumber: number | null;
  description: string | null;
  bodyPart: string | null;
  instanceCount: number;
  sample: DicomJsonDataset;
}

export interface InstanceSummary {
  patientId: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  sopClassUid: string;
  instanceNumber: number | null;
  numberOfFrames: number | null;
  rows: number | null;
  columns: number | null;
  transferSyntaxUid: string;
  objectKey: string;
  size: number;
  metadata: DicomJsonDataset;
}

export interface RetrievalTarget {
  study: string;
  series?: string;
  instance?: string;
}

/** Stored headers are only read when a caller asked for them (includefield, /metadata): they are the bulk of a row. */
const wantsHeaders = (q: QidoQuery) => q.includeFields === 'all' || q.includeFields.length > 0;

const SAMPLE = (level: 'study' | 'series', wanted: boolean) =>
  wanted
    ? `(SELECT i.metadata FROM instances i WHERE i.${level}_id = ${level === 'study' ? 's' : 'x'}.id ORDER BY i.instance_number NULLS LAST, i.created_at LIMIT 1)`
    : `'{}'::jsonb`;

const INSTANCE_COLUMNS = `i.sop_instance_uid, i.sop_class_uid, i.instance_number, i.number_of_frames, i.rows, i.columns,
  i.transfer_syntax_uid, i.object_key, i.size`;

@Injectable()
export class StudyReadRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditTrail,
    private readonly scopes: StudyScopes,
  ) {}

  async searchStudies(actor: Actor, q: QidoQuery): Promise<StudySummary[]> {
    const w = new Where(await this.scopes.require(actor));
    // Uploaded ECG, lab and pathology studies have no DICOM identity: QIDO-RS is for DICOM studies only.
    w.add('s.study_instance_uid IS NOT NULL');
    this.studyFilters(w, q);
    if (q.modality) w.add('EXISTS (SELECT 1 FROM series m WHERE m.study_id = s.id AND m.modality = $?)', q.modality);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT s.*,
         ARRAY(SELECT DISTINCT x.modality FROM series x WHERE x.study_id = s.id AND x.modality IS NOT NULL) AS modalities,
         (SELECT count(*) FROM series x WHERE x.study_id = s.id)::int AS series_count,
         (SELECT count(*) FROM instances i WHERE i.study_id = s.id)::int AS instance_count,
         ${SAMPLE('study', wantsHeaders(q))} AS sample
       FROM studies s WHERE ${w.sql}
       ORDER BY s.study_date DESC NULLS LAST, s.created_at DESC ${w.page(q.limit, q.offset)}`,
      w.params,
    );
    const studies = rows.map(toStudySummary);
    await this.auditReads('dicomweb.qido.studies', studies);
    return studies;
  }

  async searchSeries(actor: Actor, q: QidoQuery, studyUid?: string): Promise<SeriesSummary[]> {
    const w = new Where(await this.scopes.require(actor));
    if (studyUid) w.add('s.study_instance_uid = $?', studyUid);
    this.studyFilters(w, q);
    if (q.modality) w.add('x.modality = $?', q.modality);
    if (q.seriesInstanceUids) w.add('x.series_instance_uid = ANY($?)', q.seriesInstanceUids);
    if (q.seriesNumber !== undefined) w.add('x.series_number = $?', q.seriesNumber);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT x.*, s.study_instance_uid, s.patient_id,
         (SELECT count(*) FROM instances i WHERE i.series_id = x.id)::int AS instance_count,
         ${SAMPLE('series', wantsHeaders(q))} AS sample
       FROM series x JOIN studies s ON s.id = x.study_id WHERE ${w.sql}
       ORDER BY s.study_instance_uid, x.series_number NULLS LAST, x.created_at ${w.page(q.limit, q.offset)}`,
      w.params,
    );
    const series = rows.map(toSeriesSummary);
    await this.auditReads('dicomweb.qido.series', series);
    return series;
  }

  async searchInstances(actor: Actor, q: QidoQuery, studyUid?: string, seriesUid?: string): Promise<InstanceSummary[]> {
    const w = new Where(await this.scopes.require(actor));
    if (studyUid) w.add('s.study_instance_uid = $?', studyUid);
    if (seriesUid) w.add('x.series_instance_uid = $?', seriesUid);
    this.studyFilters(w, q);
    if (q.modality) w.add('x.modality = $?', q.modality);
    if (q.seriesInstanceUids) w.add('x.series_instance_uid = ANY($?)', q.seriesInstanceUids);
    if (q.sopClassUids) w.add('i.sop_class_uid = ANY($?)', q.sopClassUids);
    if (q.sopInstanceUids) w.add('i.sop_instance_uid = ANY($?)', q.sopInstanceUids);
    if (q.instanceNumber !== undefined) w.add('i.instance_number = $?', q.instanceNumber);
    const instances = await this.instances(this.dataSource.manager, w, w.page(q.limit, q.offset), wantsHeaders(q));
    await this.auditReads('dicomweb.qido.instances', instances);
    return instances;
  }

  /**
   * The instances of a study, series or single instance, for WADO-RS; 404 when the caller can see none of them.
   * `withHeaders` for /metadata; retrieving bytes needs only the object keys.
   */
  async forRetrieval(
    actor: Actor,
    target: RetrievalTarget,
    action: string,
    withHeaders: boolean,
  ): Promise<InstanceSummary[]> {
    const w = new Where(await this.scopes.require(actor));
    w.add('s.study_instance_uid = $?', target.study);
    if (target.series) w.add('x.series_instance_uid = $?', target.series);
    if (target.instance) w.add('i.sop_instance_uid = $?', target.instance);
    return this.dataSource.transaction(async (m) => {
      const found = await this.instances(m, w, '', withHeaders);
      if (found.length === 0) {
        const what = target.instance ? 'Instance' : target.series ? 'Series' : 'Study';
        throw notFound(what, target.instance ?? target.series ?? target.study);
      }
      await this.auditReads(action, found, m);
      return found;
    });
  }

  private async instances(m: EntityManager, w: Where, page: string, withHeaders: boolean): Promise<InstanceSummary[]> {
    const rows: Record<string, unknown>[] = await m.query(
      `SELECT ${INSTANCE_COLUMNS}, ${withHeaders ? 'i.metadata' : `'{}'::jsonb AS metadata`}, x.series_instance_uid, s.study_instance_uid, s.patient_id
       FROM instances i JOIN series x ON x.id = i.series_id JOIN studies s ON s.id = i.study_id
       WHERE ${w.sql}
       ORDER BY s.study_instance_uid, x.series_number NULLS LAST, x.series_instance_uid, i.instance_number NULLS LAST,
         i.created_at ${page}`,
      w.params,
    );
    return rows.map(toInstanceSummary);
  }

  private studyFilters(w: Where, q: QidoQuery): void {
    if (q.patientId) w.add('s.patient_local_id = $?', q.patientId);
    if (q.patientNameLike) w.add('s.patient_name ILIKE $?', q.patientNameLike);
    if (q.studyDate?.from) w.add('s.study_date >= $?', q.studyDate.from);
    if (q.studyDate?.to) w.add('s.study_date <= $?', q.studyDate.to);
    if (q.accessionNumber) w.add('s.accession_number = $?', q.accessionNumber);
    if (q.studyInstanceUids) w.add('s.study_instance_uid = ANY($?)', q.studyInstanceUids);
    if (q.referringPhysicianNameLike) w.add('s.referring_physician_name ILIKE $?', q.referringPhysicianNameLike);
    if (q.studyDescriptionLike) w.add('s.description ILIKE $?', q.studyDescriptionLike);
  }

  /** One audit event per patient whose data the caller received. */
  private async auditReads(action: string, rows: { patientId: string; studyInstanceUid: string }[], m?: EntityManager) {
    const byPatient = new Map<string, Set<string>>();
    for (const r of rows) byPatient.set(r.patientId, (byPatient.get(r.patientId) ?? new Set()).add(r.studyInstanceUid));
    const write = async (tx: EntityManager) => {
      for (const [patientId, studies] of byPatient) {
        await this.audit.record(
          {
            action,
            objectType: 'study',
            objectId: [...studies][0] ?? null,
            patientId,
            details: { studies: [...studies] },
          },
          tx,
        );
      }
    };
    if (m) await write(m);
    else if (byPatient.size > 0) await this.dataSource.transaction(write);
  }
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function toStudySummary(r: Record<string, unknown>): StudySummary {
  return {
    patientId: String(r.patient_id),
    studyInstanceUid: String(r.study_instance_uid),
    studyDate: str(r.study_date),
    studyTime: str(r.study_time),
    accessionNumber: str(r.accession_number),
    studyId: str(r.study_id),
    description: str(r.description),
    referringPhysicianName: str(r.referring_physician_name),
    patientLocalId: str(r.patient_local_id),
    patientName: str(r.patient_name),
    patientBirthDate: str(r.patient_birth_date),
    patientSex: str(r.patient_sex),
    modalities: (r.modalities as string[] | null) ?? [],
    seriesCount: Number(r.series_count),
    instanceCount: Number(r.instance_count),
    sample: (r.sample as DicomJsonDataset | null) ?? {},
  };
}

function toSeriesSummary(r: Record<string, unknown>): SeriesSummary {
  return {
    patientId: String(r.patient_id),
    studyInstanceUid: String(r.study_instance_uid),
    seriesInstanceUid: String(r.series_instance_uid),
    modality: str(r.modality),
    seriesNumber: num(r.series_number),
    description: str(r.description),
    bodyPart: str(r.body_part),
    instanceCount: Number(r.instance_count),
    sample: (r.sample as DicomJsonDataset | null) ?? {},
  };
}

function toInstanceSummary(r: Record<string, unknown>): InstanceSummary {
  return {
    patientId: String(r.patient_id),
    studyInstanceUid: String(r.study_instance_uid),
    seriesInstanceUid: String(r.series_instance_uid),
    sopInstanceUid: String(r.sop_instance_uid),
    sopClassUid: String(r.sop_class_uid),
    instanceNumber: num(r.instance_number),
    numberOfFrames: num(r.number_of_frames),
    rows: num(r.rows),
    columns: num(r.columns),
    transferSyntaxUid: String(r.transfer_syntax_uid),
    objectKey: String(r.object_key),
    size: Number(r.size),
    metadata: r.metadata as DicomJsonDataset,
  };
}
