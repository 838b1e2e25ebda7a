import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditTrail } from '@hub/audit';
import type { Actor } from '@hub/core';
import { returningRows } from '@hub/db';
import { PatientRepository } from '@hub/patients';
import { OBJECT_STORE, type ObjectStore, type StoredObject } from '@hub/storage';
import { FailureReason, type ParsedInstance } from '../dicom/parsed-instance.js';
import { lockObject, ObjectReferences } from './object-references.js';

export type IndexOutcome =
  | { status: 'stored'; studyId: string; instanceId: string; created: { study: boolean; series: boolean } }
  | { status: 'already-stored'; studyId: string }
  | { status: 'rejected'; reason: number; message: string };

/** Thrown inside the transaction so everything it did (a new patient, a new study) rolls back with the rejection. */
class IndexRejection extends Error {
  constructor(
    readonly reason: number,
    message: string,
  ) {
    super(message);
  }
}

const lock = (m: EntityManager, key: string) => m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);

/**
 * Files a stored object under its study, series and patient. The rules that keep the index honest live here:
 * a SOP Instance UID is stored once (same bytes again: a no-op; other bytes: refused), a study belongs to the
 * institution that first sent it, and no row is ever committed for an object that is not in the store.
 */
@Injectable()
export class InstanceIndexRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly patients: PatientRepository,
    private readonly audit: AuditTrail,
    private readonly references: ObjectReferences,
  ) {}

  async index(actor: Actor, parsed: ParsedInstance, stored: StoredObject): Promise<IndexOutcome> {
    try {
      return await this.dataSource.transaction((m) => this.indexIn(m, actor, parsed, stored));
    } catch (err) {
      if (err instanceof IndexRejection) return { status: 'rejected', reason: err.reason, message: err.message };
      throw err;
    }
  }

  /** Deletes the object unless a committed row points to it (another instance may have the same bytes). */
  deleteObjectIfUnreferenced(key: string): Promise<boolean> {
    return this.references.deleteIfUnreferenced(key);
  }

  /** Undoes instances this request stored (when the request as a whole fails), then their emptied series and studies. */
  async removeInstances(instanceIds: string[]): Promise<void> {
    if (instanceIds.length === 0) return;
    const keys = await this.dataSource.transaction(async (m) => {
      const removed = await returningRows<{ object_key: string; series_id: string; study_id: string }>(
        m,
        'DELETE FROM instances WHERE id = ANY($1) RETURNING object_key, series_id, study_id',
        [instanceIds],
      );
      const seriesIds = [...new Set(removed.map((r) => r.series_id))];
      const studyIds = [...new Set(removed.map((r) => r.study_id))];
      await m.query(
        'DELETE FROM series s WHERE s.id = ANY($1) AND NOT EXISTS (SELECT 1 FROM instances i WHERE i.series_id = s.id)',
        [seriesIds],
      );
      const emptied = await returningRows<{ patient_id: string }>(
        m,
        `DELETE FROM studies s WHERE s.id = ANY($1) AND NOT EXISTS (SELECT 1 FROM series x WHERE x.study_id = s.id)
         RETURNING patient_id`,
        [studyIds],
      );
      // A patient the failed ingest created exists for nothing else: no study, no other institution's identifier.
      await m.query(
        `DELETE FROM patients p WHERE p.id = ANY($1)
            AND NOT EXISTS (SELECT 1 FROM studies s WHERE s.patient_id = p.id)
            AND (SELECT count(*) FROM patient_identifiers i WHERE i.patient_id = p.id) = 1
            AND EXISTS (SELECT 1 FROM audit_events e WHERE e.patient_id = p.id AND e.action = 'patient.create'
                          AND e.details->>'via' = 'ingest')`,
        [[...new Set(emptied.map((r) => r.patient_id))]],
      );
      await this.audit.record(
        {
          action: 'study.instance.rollback',
          objectType: 'instance',
          details: { instanceIds, reason: 'request failed' },
        },
        m,
      );
      return [...new Set(removed.map((r) => r.object_key))];
    });
    for (const key of keys) await this.deleteObjectIfUnreferenced(key);
  }

  private async indexIn(
    m: EntityManager,
    actor: Actor,
    parsed: ParsedInstance,
    stored: StoredObject,
  ): Promise<IndexOutcome> {
    await lockObject(m, stored.key);
    await lock(m, `study:${parsed.studyInstanceUid}`);

    const [existing]: { sha256: string; study_id: string; institution_id: string }[] = await m.query(
      `SELECT i.sha256, i.study_id, s.institution_id FROM instances i JOIN studies s ON s.id = i.study_id
        WHERE i.sop_instance_uid = $1`,
      [parsed.sopInstanceUid],
    );
    if (existing) {
      if (existing.institution_id !== actor.institutionId) {
        throw new IndexRejection(
          FailureReason.NotAuthorized,
          'This SOP Instance UID belongs to a study of another institution',
        );
      }
      if (existing.sha256 !== stored.sha256) {
        throw new IndexRejection(
          FailureReason.DuplicateSopInstance,
          'This SOP Instance UID is already stored with different content; send a new UID for changed data',
        );
      }
      return { status: 'already-stored', studyId: existing.study_id };
    }
    if (!(await this.store.stat(stored.key))) {
      throw new IndexRejection(
        FailureReason.ProcessingFailure,
        'The stored object was removed while filing it; send it again',
      );
    }

    const localId = parsed.patient.id?.trim();
    if (!localId) {
      throw new IndexRejection(
        FailureReason.DataSetDoesNotMatchSopClass,
        'PatientID (0010,0020) is missing: the hub files studies under the clinic’s patient id',
      );
    }
    const [study]: { id: string; institution_id: string; patient_id: string }[] = await m.query(
      'SELECT id, institution_id, patient_id FROM studies WHERE study_instance_uid = $1',
      [parsed.studyInstanceUid],
    );
    if (study && study.institution_id !== actor.institutionId) {
      throw new IndexRejection(
        FailureReason.NotAuthorized,
        'This StudyInstanceUID belongs to a study of another institution',
      );
    }
    const { patientId } = await this.patients.resolveForIngest(m, actor, {
      localId,
      name: parsed.patient.name ?? '',
      sex: parsed.patient.sex ?? undefined,
      birthDate: parsed.patient.birthDate ?? undefined,
      issuer: parsed.patient.issuer ?? undefined,
    });
    if (study && study.patient_id !== patientId) {
      throw new IndexRejection(
        FailureReason.DataSetDoesNotMatchSopClass,
        'This StudyInstanceUID is already filed under another PatientID',
      );
    }
    const studyId = study?.id ?? (await this.insertStudy(m, actor, parsed, patientId, localId));
    const series = await this.findOrInsertSeries(m, parsed, studyId);
    const [instance]: { id: string }[] = await m.query(
      `INSERT INTO instances (study_id, series_id, sop_instance_uid, sop_class_uid, transfer_syntax_uid, instance_number,
         number_of_frames, rows, columns, object_key, size, sha256, metadata)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
      [
        studyId,
        series.id,
        parsed.sopInstanceUid,
        parsed.sopClassUid,
        parsed.transferSyntaxUid,
        parsed.instance.number,
        parsed.instance.numberOfFrames,
        parsed.instance.rows,
        parsed.instance.columns,
        stored.key,
        stored.size,
        stored.sha256,
        parsed.metadata,
      ],
    );
    await this.audit.record(
      {
        action: 'study.instance.store',
        objectType: 'instance',
        objectId: parsed.sopInstanceUid,
        patientId,
        details: { studyInstanceUid: parsed.studyInstanceUid, size: stored.size },
      },
      m,
    );
    return { status: 'stored', studyId, instanceId: instance!.id, created: { study: !study, series: series.created } };
  }

  private async insertStudy(
    m: EntityManager,
    actor: Actor,
    p: ParsedInstance,
    patientId: string,
    localId: string,
  ): Promise<string> {
    const [row]: { id: string }[] = await m.query(
      `INSERT INTO studies (consortium_id, institution_id, patient_id, discipline, study_instance_uid, accession_number,
         study_date, study_time, study_id, description, referring_physician_name, patient_local_id, patient_name,
         patient_birth_date, patient_sex)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
      [
        actor.consortiumId,
        actor.institutionId,
        patientId,
        p.discipline,
        p.studyInstanceUid,
        p.study.accessionNumber,
        p.study.date,
        p.study.time,
        p.study.studyId,
        p.study.description,
        p.study.referringPhysicianName,
        localId,
        p.patient.name,
        p.patient.birthDate,
        p.patient.sex,
      ],
    );
    return row!.id;
  }

  private async findOrInsertSeries(
    m: EntityManager,
    p: ParsedInstance,
    studyId: string,
  ): Promise<{ id: string; created: boolean }> {
    const [existing]: { id: string; study_id: string }[] = await m.query(
      'SELECT id, study_id FROM series WHERE series_instance_uid = $1',
      [p.seriesInstanceUid],
    );
    if (existing) {
      if (existing.study_id !== studyId) {
        throw new IndexRejection(
          FailureReason.DataSetDoesNotMatchSopClass,
          'This SeriesInstanceUID belongs to another study',
        );
      }
      return { id: existing.id, created: false };
    }
    const [row]: { id: string }[] = await m.query(
      `INSERT INTO series (study_id, series_instance_uid, modality, series_number, description, body_part)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [studyId, p.seriesInstanceUid, p.series.modality, p.series.number, p.series.description, p.series.bodyPart],
    );
    return { id: row!.id, created: true };
  }
}
