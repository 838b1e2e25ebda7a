import type { EntityManager } from 'typeorm';
import type { LabResultViewOf, StudyFileView, StudyRecordOf } from '@hub/contracts';
import type { Discipline } from '@hub/core';

export type { StudyFileView };
export type LabResultView = LabResultViewOf<Date>;
/** A study as the API shows it (times as Date inside the hub). */
export type StudyRecord = StudyRecordOf<Date>;

interface StudyRow {
  id: string;
  consortium_id: string;
  institution_id: string;
  patient_id: string;
  discipline: Discipline;
  exam_code: string | null;
  performed_at: Date | null;
  accession_number: string | null;
  description: string | null;
  study_instance_uid: string | null;
  study_date: string | null;
  created_at: Date;
}

/** Loads a study with its files, lab values and DICOM summary; no access check (callers do that). */
export async function loadStudyRecord(m: EntityManager, id: string): Promise<StudyRecord | null> {
  const [s]: StudyRow[] = await m.query(
    `SELECT id, consortium_id, institution_id, patient_id, discipline, exam_code, performed_at, accession_number,
            description, study_instance_uid, study_date::text AS study_date, created_at
       FROM studies WHERE id = $1`,
    [id],
  );
  if (!s) return null;
  const files: StudyFileView[] = await m.query(
    `SELECT id, file_name AS "fileName", media_type AS "mediaType", format, size::float8 AS size, sha256
       FROM study_files WHERE study_id = $1 ORDER BY created_at, file_name`,
    [id],
  );
  const labResults: LabResultView[] = await m.query(
    `SELECT item_code AS "itemCode", item_name AS "itemName", loinc, value, numeric_value AS "numericValue", unit,
            reference_range AS "referenceRange", abnormal_flag AS "abnormalFlag", observed_at AS "observedAt",
            source_file_id AS "sourceFileId"
       FROM lab_results WHERE study_id = $1 ORDER BY position`,
    [id],
  );
  let dicom: StudyRecord['dicom'] = null;
  if (s.study_instance_uid) {
    const [d]: { series: number; instances: number; modalities: string[] }[] = await m.query(
      `SELECT count(DISTINCT x.id)::int AS series, count(i.id)::int AS instances,
              coalesce(array_agg(DISTINCT x.modality) FILTER (WHERE x.modality IS NOT NULL), '{}') AS modalities
         FROM series x LEFT JOIN instances i ON i.series_id = x.id WHERE x.study_id = $1`,
      [id],
    );
    dicom = { seriesCount: d!.series, instanceCount: d!.instances, modalities: d!.modalities };
  }
  return {
    id: s.id,
    consortiumId: s.consortium_id,
    institutionId: s.institution_id,
    patientId: s.patient_id,
    discipline: s.discipline,
    examCode: s.exam_code,
    performedAt: s.performed_at,
    accessionNumber: s.accession_number,
    description: s.description,
    studyInstanceUid: s.study_instance_uid,
    studyDate: s.study_date,
    createdAt: s.created_at,
    files,
    labResults,
    dicom,
  };
}
