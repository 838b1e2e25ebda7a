import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type AuditedWrite, AuditTrail } from '@hub/audit';
import { notFound } from '@hub/core';
import { returningRows } from '@hub/db';
import { ACTIVE_GRANT } from './study-where.js';
import type { StudyAccessSourceType, StudyGranteeType } from '../entities/study-access-grant.entity.js';

export interface StudyGrantee {
  type: StudyGranteeType;
  id: string;
}

export interface StudyAccessSource {
  type: StudyAccessSourceType;
  id: string;
}

export interface NewStudyAccessGrant {
  studyId: string;
  grantee: StudyGrantee;
  source: StudyAccessSource;
  /** Null or absent: until revoked. */
  expiresAt?: Date | null;
}

/**
 * Shares a study with someone other than the clinic that sent it, for as long as a source record (a reading request,
 * a consultation) needs it. Both calls take the caller's EntityManager, so the grant or revoke commits (or rolls back)
 * with the change that caused it; each is audited in the same transaction.
 */
@Injectable()
export class StudyAccessGrants {
  constructor(private readonly audit: AuditTrail) {}

  /** Grants access; a no-op when the same grantee already holds an active grant for the same source. */
  async grant(m: EntityManager, input: NewStudyAccessGrant): Promise<void> {
    const [study]: unknown[] = await m.query('SELECT 1 FROM studies WHERE id = $1', [input.studyId]);
    if (!study) throw notFound('Study', input.studyId);
    await this.grantAll(m, [input]);
  }

  /**
   * Several grants in one statement, each new one audited in the same statement (a grant already held is skipped, as
   * in `grant`); studies are the caller's to have checked (a missing one is skipped too).
   */
  async grantAll(m: EntityManager, inputs: readonly NewStudyAccessGrant[]): Promise<void> {
    if (inputs.length === 0) return;
    await this.audit.recordPerRowAll(m, [this.grantAllWrite(inputs)]);
  }

  /**
   * grantAll as an audited write, for a caller that writes it in one statement with its own (AuditTrail's
   * recordPerRowAll); `inputs` must not be empty.
   */
  grantAllWrite(inputs: readonly NewStudyAccessGrant[]): AuditedWrite {
    return {
      entry: { action: 'study.access.grant', objectType: 'study' },
      columns: { objectId: 'studyId', patientId: 'patientId', details: ['grantId', 'grantee', 'source', 'expiresAt'] },
      statement: `INSERT INTO study_access_grants (study_id, grantee_type, grantee_id, source_type, source_id, expires_at)
       SELECT g.* FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::uuid[], $6::timestamptz[])
                       AS g(study_id, grantee_type, grantee_id, source_type, source_id, expires_at)
        WHERE EXISTS (SELECT 1 FROM studies s WHERE s.id = g.study_id)
       ON CONFLICT (study_id, grantee_type, grantee_id, source_type, source_id) WHERE revoked_at IS NULL DO NOTHING
       RETURNING id AS "grantId", study_id AS "studyId",
                 (SELECT s.patient_id FROM studies s WHERE s.id = study_access_grants.study_id) AS "patientId",
                 jsonb_build_object('type', grantee_type, 'id', grantee_id) AS grantee,
                 jsonb_build_object('type', source_type, 'id', source_id) AS source, expires_at AS "expiresAt"`,
      params: [
        inputs.map((g) => g.studyId),
        inputs.map((g) => g.grantee.type),
        inputs.map((g) => g.grantee.id),
        inputs.map((g) => g.source.type),
        inputs.map((g) => g.source.id),
        inputs.map((g) => g.expiresAt ?? null),
      ],
    };
  }

  /** Whether the grantee holds an active grant on the study (for any reason). */
  async held(m: EntityManager, grantee: StudyGrantee, studyId: string): Promise<boolean> {
    const [row]: { ok: boolean }[] = await m.query(
      `SELECT EXISTS (SELECT 1 FROM study_access_grants g
                       WHERE g.study_id = $1 AND g.grantee_type = $2 AND g.grantee_id = $3 AND ${ACTIVE_GRANT}) AS ok`,
      [studyId, grantee.type, grantee.id],
    );
    return row?.ok === true;
  }

  /**
   * Revokes every active grant made for the source (only the grantee's, when one is given); resolves to how many there
   * were.
   */
  async revoke(m: EntityManager, input: { source: StudyAccessSource; grantee?: StudyGrantee }): Promise<number> {
    const revoked = await returningRows<{
      id: string;
      study_id: string;
      grantee_type: string;
      grantee_id: string;
      patient_id: string;
    }>(
      m,
      `UPDATE study_access_grants g SET revoked_at = now()
           FROM studies s
          WHERE s.id = g.study_id AND g.source_type = $1 AND g.source_id = $2 AND g.revoked_at IS NULL
            AND ($3::text IS NULL OR (g.grantee_type = $3 AND g.grantee_id = $4))
          RETURNING g.id, g.study_id, g.grantee_type, g.grantee_id, s.patient_id`,
      [input.source.type, input.source.id, input.grantee?.type ?? null, input.grantee?.id ?? null],
    );
    for (const r of revoked) {
      await this.audit.record(
        {
          action: 'study.access.revoke',
          objectType: 'study',
          objectId: r.study_id,
          patientId: r.patient_id,
          details: {
            grantId: r.id,
            grantee: { type: r.grantee_type, id: r.grantee_id },
            source: { ...input.source },
          },
        },
        m,
      );
    }
    return revoked.length;
  }
}
