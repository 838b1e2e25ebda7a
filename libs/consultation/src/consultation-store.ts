import type { EntityManager } from 'typeorm';
import type { ConsultationMaterial, ConsultationParticipantOf, ConsultationViewOf } from '@hub/contracts';
import type { ParticipantRole } from './entities/consultation-participant.entity.js';

/** A consultation row: the view's fields, with the conclusion as its columns hold it. */
export interface ConsultationRecord extends Omit<
  ConsultationViewOf<Date>,
  'conclusion' | 'yourRole' | 'participants' | 'materials'
> {
  conclusionText: string | null;
  conclusionSignedAt: Date | null;
  conclusionSignedBy: string | null;
  conclusionHash: string | null;
}

export type ParticipantRecord = ConsultationParticipantOf<Date>;

export type MaterialRecord = ConsultationMaterial;

const COLUMNS = `c.id, c.consortium_id AS "consortiumId", c.kind, c.state,
  c.requesting_institution_id AS "requestingInstitutionId", c.requested_by_user_id AS "requestedByUserId",
  c.patient_id AS "patientId", c.question, c.case_summary AS "caseSummary",
  c.requested_specialties AS "requestedSpecialties", c.proposed_at AS "proposedAt",
  c.consent_recorded_at AS "consentRecordedAt", c.consent_recorded_by AS "consentRecordedBy",
  c.consent_note AS "consentNote", c.scheduled_at AS "scheduledAt", c.started_at AS "startedAt",
  c.ended_at AS "endedAt", c.cancelled_at AS "cancelledAt", c.cancel_reason AS "cancelReason",
  c.conclusion_text AS "conclusionText", c.conclusion_signed_at AS "conclusionSignedAt",
  c.conclusion_signed_by AS "conclusionSignedBy", c.conclusion_hash AS "conclusionHash", c.attendance,
  c.last_seq::int AS "lastSeq", c.created_at AS "createdAt", c.updated_at AS "updatedAt"`;

export async function loadConsultation(
  m: EntityManager,
  id: string,
  forUpdate = false,
): Promise<ConsultationRecord | null> {
  const rows: ConsultationRecord[] = await m.query(
    `SELECT ${COLUMNS} FROM consultations c WHERE c.id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] ?? null;
}

/** A page of consultations matching `where` (conditions on `c`, numbered from $1), newest first. */
export async function listConsultations(
  m: EntityManager,
  where: string,
  params: unknown[],
  limit: number,
  offset: number,
): Promise<{ items: ConsultationRecord[]; total: number }> {
  const n = params.length;
  const items: ConsultationRecord[] = await m.query(
    `SELECT ${COLUMNS} FROM consultations c WHERE ${where} ORDER BY c.created_at DESC, c.id LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...params, limit, offset],
  );
  const [{ total }] = await m.query(`SELECT count(*)::int AS total FROM consultations c WHERE ${where}`, params);
  return { items, total };
}

/** The caller's active invitation to the consultation, if any. */
export async function participantRole(
  m: EntityManager,
  consultationId: string,
  userId: string,
): Promise<ParticipantRole | null> {
  const [row]: { role: ParticipantRole }[] = await m.query(
    `SELECT role FROM consultation_participants
      WHERE consultation_id = $1 AND user_id = $2 AND withdrawn_at IS NULL`,
    [consultationId, userId],
  );
  return row?.role ?? null;
}

export function participantsOf(m: EntityManager, consultationId: string): Promise<ParticipantRecord[]> {
  return m.query(
    `SELECT p.user_id AS "userId", u.display_name AS "displayName", u.institution_id AS "institutionId", p.role,
            p.specialty, p.invited_at AS "invitedAt"
       FROM consultation_participants p JOIN users u ON u.id = p.user_id
      WHERE p.consultation_id = $1 AND p.withdrawn_at IS NULL
      ORDER BY p.invited_at, p.user_id`,
    [consultationId],
  );
}

export function materialsOf(m: EntityManager, consultationId: string): Promise<MaterialRecord[]> {
  return m.query(
    `SELECT s.id AS "studyId", s.study_instance_uid AS "studyInstanceUid", s.discipline,
            s.exam_code AS "examCode", s.study_date AS "studyDate", s.description,
            coalesce((SELECT array_agg(rp.id ORDER BY rp.signed_at)
                        FROM reading_requests r JOIN reading_tasks t ON t.request_id = r.id
                        JOIN reports rp ON rp.task_id = t.id
                       WHERE r.study_id = s.id AND rp.status = 'signed'), '{}') AS "reportIds"
       FROM consultation_materials cm JOIN studies s ON s.id = cm.study_id
      WHERE cm.consultation_id = $1
      ORDER BY cm.attached_at, s.id`,
    [consultationId],
  );
}

/** The studies attached to the consultation (for granting and revoking access). */
export async function materialStudyIds(m: EntityManager, consultationId: string): Promise<string[]> {
  const rows: { study_id: string }[] = await m.query(
    'SELECT study_id FROM consultation_materials WHERE consultation_id = $1 ORDER BY study_id',
    [consultationId],
  );
  return rows.map((r) => r.study_id);
}
