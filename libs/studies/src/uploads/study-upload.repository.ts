import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditTrail } from '@hub/audit';
import { type Actor, conflict, DomainError } from '@hub/core';
import { PatientRepository } from '@hub/patients';
import { OBJECT_STORE, type ObjectStore, type StoredObject } from '@hub/storage';
import { lockObject } from '../ingest/object-references.js';
import type { UploadStudyDto } from './dto/upload-study.dto.js';
import { numericValue, type LabValue } from './lab-value.js';
import type { SniffedMedia } from './media-sniffer.js';
import { loadStudyRecord, type StudyRecord } from './study-record.js';

export interface AcceptedFile {
  fileName: string;
  stored: StoredObject;
  media: SniffedMedia;
}

/** A lab value and, when it came from a file of the upload, that file's index in the accepted files. */
export type FiledLabValue = LabValue & { sourceFile?: number };

/** The date of an instant in China Standard Time, for the study date column. */
const chinaDate = (at: Date) => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * Files an uploaded study in one transaction: patient (resolved as for DICOM), study, files, lab values and the audit
 * event. Every object is checked to be in the store under its lock first, so no row ever points to a missing object.
 */
@Injectable()
export class StudyUploadRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly patients: PatientRepository,
    private readonly audit: AuditTrail,
  ) {}

  file(actor: Actor, meta: UploadStudyDto, files: AcceptedFile[], values: FiledLabValue[]): Promise<StudyRecord> {
    return this.dataSource.transaction(async (m) => {
      for (const f of files) {
        await lockObject(m, f.stored.key);
        if (!(await this.store.stat(f.stored.key))) {
          throw new DomainError(
            'conflict',
            `File '${f.fileName}' was removed from the store while filing it; send it again`,
          );
        }
      }
      if (meta.accessionNumber) await this.assertAccessionFree(m, actor, meta.accessionNumber);
      const { patientId } = await this.patients.resolveForIngest(m, actor, {
        localId: meta.patient.localId,
        name: meta.patient.name,
        sex: meta.patient.sex,
        birthDate: meta.patient.birthDate,
        nationalId: meta.patient.nationalId,
        issuer: meta.patient.issuer,
      });
      const performedAt = new Date(meta.performedAt);
      const [study]: { id: string }[] = await m.query(
        `INSERT INTO studies (consortium_id, institution_id, patient_id, discipline, exam_code, performed_at,
           accession_number, description, study_date, patient_local_id, patient_name, patient_birth_date, patient_sex)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
        [
          actor.consortiumId,
          actor.institutionId,
          patientId,
          meta.discipline,
          meta.examCode,
          performedAt,
          meta.accessionNumber ?? null,
          meta.description ?? null,
          chinaDate(performedAt),
          meta.patient.localId,
          meta.patient.name,
          meta.patient.birthDate ?? null,
          meta.patient.sex ?? null,
        ],
      );
      const studyId = study!.id;
      const fileIds: string[] = [];
      for (const f of files) {
        const [row]: { id: string }[] = await m.query(
          `INSERT INTO study_files (study_id, file_name, media_type, format, object_key, size, sha256)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
          [studyId, f.fileName, f.media.mediaType, f.media.format, f.stored.key, f.stored.size, f.stored.sha256],
        );
        fileIds.push(row!.id);
      }
      await this.insertLabValues(m, studyId, values, fileIds);
      await this.audit.record(
        {
          action: 'study.upload',
          objectType: 'study',
          objectId: studyId,
          patientId,
          details: { discipline: meta.discipline, files: files.length, labResults: values.length },
        },
        m,
      );
      return (await loadStudyRecord(m, studyId))!;
    });
  }

  private async assertAccessionFree(m: EntityManager, actor: Actor, accession: string): Promise<void> {
    await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`accession:${actor.institutionId}/${accession}`]);
    const [taken]: { id: string }[] = await m.query(
      `SELECT id FROM studies WHERE institution_id = $1 AND accession_number = $2 AND study_instance_uid IS NULL`,
      [actor.institutionId, accession],
    );
    if (taken) {
      throw conflict(`Accession number '${accession}' was already uploaded by your institution`, { studyId: taken.id });
    }
  }

  private async insertLabValues(m: EntityManager, studyId: string, values: FiledLabValue[], fileIds: string[]) {
    if (values.length === 0) return;
    const rows = values.map((v, i) => [
      studyId,
      i,
      v.itemCode,
      v.itemName,
      v.loinc,
      v.value,
      numericValue(v.value),
      v.unit,
      v.referenceRange,
      v.abnormalFlag,
      v.observedAt,
      v.sourceFile === undefined ? null : fileIds[v.sourceFile],
    ]);
    const width = rows[0]!.length;
    const placeholders = rows.map((_, r) => `(${rows[0]!.map((__, c) => `$${r * width + c + 1}`).join(', ')})`);
    await m.query(
      `INSERT INTO lab_results (study_id, position, item_code, item_name, loinc, value, numeric_value, unit,
         reference_range, abnormal_flag, observed_at, source_file_id) VALUES ${placeholders.join(', ')}`,
      rows.flat(),
    );
  }
}
