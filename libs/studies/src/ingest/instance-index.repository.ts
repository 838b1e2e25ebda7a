import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditTrail } from '@hub/audit';
import type { Actor } from '@hub/core';
import { isForeignKeyViolation, isUniqueViolation, PreparedStatement, returningRows } from '@hub/db';
import { PatientRepository } from '@hub/patients';
import { OBJECT_STORE, type ObjectStore, type StoredObject } from '@hub/storage';
import { FailureReason, type ParsedInstance } from '../dicom/parsed-instance.js';
import { ObjectReferences, objectLockName } from './object-references.js';

export type IndexOutcome =
  | { status: 'stored'; studyId: string; instanceId: string }
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

/** What the index holds already for an incoming instance (json columns, so each is null or one row). */
interface Known {
  existing: { sha256: string; study_id: string; institution_id: string } | null;
  study: { id: string; institution_id: string; patient_id: string } | null;
  series: { id: string; study_id: string } | null;
  patientId: string | null;
}

/** Runs for every instance (the only statement besides the insert when its study is on file): prepared. */
const lookUpKnown = new PreparedStatement<Known>(
  `SELECT pg_advisory_xact_lock(hashtext($6)) AS "objectLocked",
     (SELECT json_build_object('sha256', i.sha256, 'study_id', i.study_id, 'institution_id', s.institution_id)
        FROM instances i JOIN studies s ON s.id = i.study_id WHERE i.sop_instance_uid = $1) AS existing,
     (SELECT json_build_object('id', id, 'institution_id', institution_id, 'patient_id', patient_id)
        FROM studies WHERE study_instance_uid = $2) AS study,
     (SELECT json_build_object('id', id, 'study_id', study_id) FROM series WHERE series_instance_uid = $3) AS series,
     (SELECT patient_id FROM patient_identifiers WHERE institution_id = $4 AND local_id = $5) AS "patientId"`,
);

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
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.dataSource.transaction((m) => this.indexIn(m, actor, parsed, stored));
      } catch (err) {
        if (err instanceof IndexRejection) return { status: 'rejected', reason: err.reason, message: err.message };
        // Filed without the study lock, the instance can lose a race: the same SOP Instance UID committed meanwhile
        // (unique violation), or its emptied series removed by a failed request (foreign key). Everything rolled
        // back; the next attempt sees the committed state and answers as for a repeat, or files under the lock.
        if (attempt < 3 && (isUniqueViolation(err) || isForeignKeyViolation(err))) continue;
        throw err;
      }
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

  /**
   * Under the object's lock, taken by the first look-up (so the object cannot be deleted before the row commits).
   * An instance of a study, series and patient already on file needs nothing else: those rows never change, and the
   * unique SOP Instance UID settles a race. Only creating a study, series or patient takes the study's lock, and then
   * everything is read again.
   */
  private async indexIn(
    m: EntityManager,
    actor: Actor,
    parsed: ParsedInstance,
    stored: StoredObject,
  ): Promise<IndexOutcome> {
    const localId = parsed.patient.id?.trim() ?? '';
    let known = await this.lookUp(m, actor, parsed, stored, localId);
    const rejection = await this.check(known, actor, parsed, stored, localId);
    if (rejection) return rejection;
    if (!known.study || !known.series || !known.patientId) {
      await lock(m, `study:${parsed.studyInstanceUid}`);
      known = await this.lookUp(m, actor, parsed, stored, localId);
      const again = await this.check(known, actor, parsed, stored, localId);
      if (again) return again;
    }
    const { study } = known;
    const patientId =
      known.patientId ??
      (
        await this.patients.resolveForIngest(m, actor, {
          localId,
          name: parsed.patient.name ?? '',
          sex: parsed.patient.sex ?? undefined,
          birthDate: parsed.patient.birthDate ?? undefined,
        })
      ).patientId;
    if (study && study.patient_id !== patientId) {
      throw new IndexRejection(
        FailureReason.DataSetDoesNotMatchSopClass,
        'This StudyInstanceUID is already filed under another PatientID',
      );
    }
    const studyId = study?.id ?? (await this.insertStudy(m, actor, parsed, patientId, localId));
    const seriesId = await this.findOrInsertSeries(m, parsed, studyId, known.series);
    const [instance] = await this.audit.recordWith<{ id: string }>(
      m,
      {
        action: 'study.instance.store',
        objectType: 'instance',
        objectId: parsed.sopInstanceUid,
        patientId,
        details: { studyInstanceUid: parsed.studyInstanceUid, size: stored.size },
      },
      `INSERT INTO instances (study_id, series_id, sop_instance_uid, sop_class_uid, transfer_syntax_uid, instance_number,
         number_of_frames, rows, columns, object_key, size, sha256, metadata)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
      [
        studyId,
        seriesId,
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
    return { status: 'stored', studyId, instanceId: instance!.id };
  }

  /**
   * Everything filing needs to know, in one round trip: the instance if already stored, its study, series, patient;
   * and the object's lock is taken (again, the second time: it is re-entrant) before the store is asked for the object.
   */
  private async lookUp(
    m: EntityManager,
    actor: Actor,
    parsed: ParsedInstance,
    stored: StoredObject,
    localId: string,
  ): Promise<Known> {
    const [row] = await lookUpKnown.run(m, [
      parsed.sopInstanceUid,
      parsed.studyInstanceUid,
      parsed.seriesInstanceUid,
      actor.institutionId,
      localId,
      objectLockName(stored.key),
    ]);
    return row!;
  }

  /** The outcome when the instance is already stored; a rejection when it cannot be filed as it is. */
  private async check(
    known: Known,
    actor: Actor,
    parsed: ParsedInstance,
    stored: StoredObject,
    localId: string,
  ): Promise<IndexOutcome | null> {
    const { existing, study } = known;
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
    if (!localId) {
      throw new IndexRejection(
        FailureReason.DataSetDoesNotMatchSopClass,
        'PatientID (0010,0020) is missing: the hub files studies under the clinic’s patient id',
      );
    }
    if (study && study.institution_id !== actor.institutionId) {
      throw new IndexRejection(
        FailureReason.NotAuthorized,
        'This StudyInstanceUID belongs to a study of another institution',
      );
    }
    return null;
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
    existing: Known['series'],
  ): Promise<string> {
    if (existing) {
      if (existing.study_id !== studyId) {
        throw new IndexRejection(
          FailureReason.DataSetDoesNotMatchSopClass,
          'This SeriesInstanceUID belongs to another study',
        );
      }
      return existing.id;
    }
    const [row]: { id: string }[] = await m.query(
      `INSERT INTO series (study_id, series_instance_uid, modality, series_number, description, body_part)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [studyId, p.seriesInstanceUid, p.series.modality, p.series.number, p.series.description, p.series.bodyPart],
    );
    return row!.id;
  }
}
