import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditedRefusal, AuditTrail, recordRefusals } from '@hub/audit';
import {
  type Actor,
  conflict,
  DomainError,
  forbidden,
  hasRole,
  notFound,
  type Page,
  type PageRequest,
} from '@hub/core';
import type { ConsultationInvitation, NewConsultation } from '@hub/contracts';
import { returningRows } from '@hub/db';
import { StudyAccessGrants } from '@hub/studies';
import {
  type ConsultationAction,
  type ConsultationState,
  conclusionEditRefusal,
  conclusionSignRefusal,
  guardedTransition,
} from './domain/consultation-state.js';
import { ConsultationEventLog } from './consultation-event-log.js';
import { ConsultationRoomBus } from './consultation-room-bus.js';
import { isCoordinatorOf, isRequestingSide, NOT_YOURS, viewerOf } from './consultation-access.js';
import {
  type ConsultationRecord,
  listConsultations,
  loadConsultation,
  materialsOf,
  materialStudyIds,
  participantRole,
  participantsOf,
} from './consultation-store.js';
import { type ConsultationView, toConsultationView } from './consultation-view.js';
import type { MdtEvent, MdtEventPayloads, MdtEventType } from './realtime/mdt-events.js';
import type { ParticipantRole } from './entities/consultation-participant.entity.js';

export type { NewConsultation } from '@hub/contracts';
export type Invitation = ConsultationInvitation;

/** What a change tells the audit trail, and the room event it wrote (published after commit), if any. */
type ChangeDetails = Record<string, unknown> & { publish?: MdtEvent };

/** Who may do what beyond viewing; each a refusal message when the caller may not. */
type Gate = (actor: Actor, c: ConsultationRecord, role: ParticipantRole | null) => string | null;

const COORDINATOR_ONLY: Gate = (actor, c) =>
  isCoordinatorOf(actor, c) ? null : 'Only a coordinator of the consortium may do this';
const COORDINATOR_OR_CHAIR: Gate = (actor, c, role) =>
  isCoordinatorOf(actor, c) || role === 'chair'
    ? null
    : 'Only a coordinator of the consortium or the chair may do this';
const CHAIR_ONLY: Gate = (_actor, _c, role) =>
  role === 'chair' ? null : 'Only the chair of the consultation may do this';
const REQUESTING_DOCTOR: Gate = (actor, c) =>
  isRequestingSide(actor, c) && hasRole(actor, 'clinic_doctor')
    ? null
    : 'Only a doctor of the requesting institution may record the patient’s consent';
const COORDINATOR_OR_REQUESTER: Gate = (actor, c) =>
  isCoordinatorOf(actor, c) || isRequestingSide(actor, c)
    ? null
    : 'Only the requesting institution or a coordinator of the consortium may cancel it';

/**
 * Consultations (远程会诊 / MDT): the requesting clinic asks, the coordinator invites, schedules, starts and ends, the
 * chair signs the conclusion. Invited specialists are granted the attached studies for the consultation's lifetime
 * (revoked when it ends, is cancelled, or their invitation is withdrawn). Every read and write is audited.
 */
@Injectable()
export class Consultations {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditTrail,
    private readonly grants: StudyAccessGrants,
    private readonly log: ConsultationEventLog,
    private readonly room: ConsultationRoomBus,
  ) {}

  async create(actor: Actor, input: NewConsultation): Promise<ConsultationRecord> {
    if (!hasRole(actor, 'clinic_doctor') || !actor.institutionId || !actor.consortiumId) {
      throw forbidden('Consultations are requested by a doctor of a member institution');
    }
    const studyIds = [...new Set(input.studyIds ?? [])];
    return recordRefusals(this.audit, () =>
      this.dataSource.transaction(async (m) => {
        const [patient]: { consortium_id: string }[] = await m.query(
          'SELECT consortium_id FROM patients WHERE id = $1',
          [input.patientId],
        );
        if (!patient || patient.consortium_id !== actor.consortiumId) throw notFound('Patient', input.patientId);
        await this.checkMaterials(m, actor, input.patientId, studyIds);
        const [{ id }]: { id: string }[] = await m.query(
          `INSERT INTO consultations (consortium_id, kind, state, requesting_institution_id, requested_by_user_id,
              patient_id, question, case_summary, requested_specialties, proposed_at,
              consent_recorded_at, consent_recorded_by, consent_note)
           VALUES ($1, $2, 'requested', $3, $4, $5, $6, $7, $8, $9,
              CASE WHEN $10::boolean THEN now() END, CASE WHEN $10::boolean THEN $4::uuid END, $11)
           RETURNING id`,
          [
            actor.consortiumId,
            input.kind,
            actor.institutionId,
            actor.userId,
            input.patientId,
            input.question,
            input.caseSummary,
            input.requestedSpecialties ?? [],
            input.proposedAt ?? null,
            input.consent !== undefined,
            input.consent?.note ?? null,
          ],
        );
        await m.query(
          `INSERT INTO consultation_participants (consultation_id, user_id, role, invited_by) VALUES ($1, $2, 'requester', $2)`,
          [id, actor.userId],
        );
        if (studyIds.length > 0) {
          await m.query(
            'INSERT INTO consultation_materials (consultation_id, study_id) SELECT $1, unnest($2::uuid[])',
            [id, studyIds],
          );
        }
        await this.audit.record(
          {
            action: 'consultation.create',
            objectType: 'consultation',
            objectId: id,
            patientId: input.patientId,
            details: { kind: input.kind, studyIds, consent: input.consent !== undefined },
          },
          m,
        );
        return (await loadConsultation(m, id))!;
      }),
    );
  }

  /** The consultation, for someone who may see it (audited either way), with the caller's standing. */
  async read(actor: Actor, id: string): Promise<ConsultationView> {
    return recordRefusals(this.audit, () =>
      this.dataSource.transaction(async (m) => {
        const { consultation, role } = await this.loadFor(m, actor, id, 'consultation.read', false);
        await this.audit.record(
          { action: 'consultation.read', objectType: 'consultation', objectId: id, patientId: consultation.patientId },
          m,
        );
        return toConsultationView(consultation, {
          viewer: viewerOf(actor, consultation, role),
          participants: await participantsOf(m, id),
          materials: await materialsOf(m, id),
        });
      }),
    );
  }

  /** The caller's consultations: a coordinator's consortium, a clinic's institution, a specialist's invitations. */
  async list(actor: Actor, state: ConsultationState | undefined, page: PageRequest): Promise<Page<ConsultationRecord>> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (n: number) => string, value: unknown) => {
      params.push(value);
      conditions.push(sql(params.length));
    };
    if (hasRole(actor, 'coordinator') && actor.consortiumId) add((n) => `c.consortium_id = $${n}`, actor.consortiumId);
    if (hasRole(actor, 'clinic_doctor', 'clinic_technician') && actor.institutionId) {
      add((n) => `c.requesting_institution_id = $${n}`, actor.institutionId);
    }
    add(
      (n) =>
        `c.id IN (SELECT consultation_id FROM consultation_participants WHERE user_id = $${n} AND withdrawn_at IS NULL)`,
      actor.userId,
    );
    let where = `(${conditions.join(' OR ')})`;
    if (state) {
      params.push(state);
      where += ` AND c.state = $${params.length}`;
    }
    const result = await listConsultations(this.dataSource.manager, where, params, page.limit, page.offset);
    await this.audit.record({
      action: 'consultation.list',
      objectType: 'consultation',
      details: { state: state ?? null, ids: result.items.map((c) => c.id) },
    });
    return { ...result, limit: page.limit, offset: page.offset };
  }

  recordConsent(actor: Actor, id: string, note: string | null): Promise<ConsultationRecord> {
    return this.change(actor, id, 'consultation.consent', REQUESTING_DOCTOR, async (m, c) => {
      if (c.state !== 'requested' && c.state !== 'scheduled') {
        throw conflict(`The consent is recorded before the consultation takes place; it is ${c.state}`);
      }
      await m.query(
        `UPDATE consultations SET consent_recorded_at = now(), consent_recorded_by = $2, consent_note = $3,
                updated_at = now() WHERE id = $1`,
        [id, actor.userId, note],
      );
      return {};
    });
  }

  invite(actor: Actor, id: string, invitation: Invitation): Promise<ConsultationRecord> {
    const role = invitation.role ?? 'specialist';
    return this.change(actor, id, 'consultation.invite', COORDINATOR_ONLY, async (m, c) => {
      if (c.state !== 'requested' && c.state !== 'scheduled' && c.state !== 'live') {
        throw conflict(`Specialists are invited before the consultation ends; it is ${c.state}`);
      }
      const [user]: { roles: string[]; consortium_id: string | null; active: boolean }[] = await m.query(
        `SELECT u.roles, i.consortium_id, u.active FROM users u LEFT JOIN institutions i ON i.id = u.institution_id
          WHERE u.id = $1`,
        [invitation.userId],
      );
      if (!user || user.consortium_id !== c.consortiumId) throw notFound('User', invitation.userId);
      if (!user.active || !user.roles.includes('specialist')) {
        throw new DomainError('unprocessable', 'Only an active user with the specialist role can be invited');
      }
      if (role === 'chair') {
        const [chair]: { user_id: string }[] = await m.query(
          `SELECT user_id FROM consultation_participants
            WHERE consultation_id = $1 AND role = 'chair' AND withdrawn_at IS NULL`,
          [id],
        );
        if (chair && chair.user_id !== invitation.userId) {
          throw conflict('The consultation already has a chair: withdraw that invitation first');
        }
      }
      const [row]: { id: string }[] = await m.query(
        `INSERT INTO consultation_participants (consultation_id, user_id, role, specialty, invited_by)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (consultation_id, user_id) DO UPDATE
           SET role = EXCLUDED.role, specialty = EXCLUDED.specialty, invited_by = EXCLUDED.invited_by,
               invited_at = now(), withdrawn_at = NULL
         WHERE consultation_participants.withdrawn_at IS NOT NULL
         RETURNING id`,
        [id, invitation.userId, role, invitation.specialty ?? null, actor.userId],
      );
      if (!row) throw conflict('This user is already invited');
      for (const studyId of await materialStudyIds(m, id)) {
        await this.grants.grant(m, {
          studyId,
          grantee: { type: 'user', id: invitation.userId },
          source: { type: 'consultation', id },
        });
      }
      return { invitee: invitation.userId, role };
    });
  }

  withdraw(actor: Actor, id: string, userId: string): Promise<ConsultationRecord> {
    return this.change(actor, id, 'consultation.withdraw', COORDINATOR_ONLY, async (m, c) => {
      if (userId === c.requestedByUserId) throw conflict('The requesting doctor cannot be withdrawn');
      const withdrawn = await returningRows<{ id: string }>(
        m,
        `UPDATE consultation_participants SET withdrawn_at = now()
          WHERE consultation_id = $1 AND user_id = $2 AND withdrawn_at IS NULL RETURNING id`,
        [id, userId],
      );
      if (withdrawn.length === 0) throw notFound('Invitation of user', userId);
      await this.grants.revoke(m, { source: { type: 'consultation', id }, grantee: { type: 'user', id: userId } });
      return { withdrawn: userId };
    });
  }

  schedule(actor: Actor, id: string, scheduledAt: Date): Promise<ConsultationRecord> {
    return this.change(actor, id, 'consultation.schedule', COORDINATOR_ONLY, async (m, c) => {
      const action: ConsultationAction = c.state === 'scheduled' ? 'reschedule' : 'schedule';
      const next = guardedTransition(c.state, action, { consent: { recordedAt: c.consentRecordedAt } });
      await m.query(`UPDATE consultations SET state = $2, scheduled_at = $3, updated_at = now() WHERE id = $1`, [
        id,
        next,
        scheduledAt,
      ]);
      return { scheduledAt: scheduledAt.toISOString() };
    });
  }

  start(actor: Actor, id: string): Promise<ConsultationRecord> {
    return this.change(actor, id, 'consultation.start', COORDINATOR_OR_CHAIR, async (m, c) => {
      const next = guardedTransition(c.state, 'start');
      await m.query(`UPDATE consultations SET state = $2, started_at = now(), updated_at = now() WHERE id = $1`, [
        id,
        next,
      ]);
      return {};
    });
  }

  end(actor: Actor, id: string): Promise<ConsultationRecord> {
    return this.change(actor, id, 'consultation.end', COORDINATOR_OR_CHAIR, async (m, c) => {
      const next = guardedTransition(c.state, 'conclude', { conclusionSigned: c.conclusionSignedAt !== null });
      await m.query(`UPDATE consultations SET state = $2, ended_at = now(), updated_at = now() WHERE id = $1`, [
        id,
        next,
      ]);
      const revoked = await this.grants.revoke(m, { source: { type: 'consultation', id } });
      const event = await this.roomEvent(m, actor, id, 'room.closed', { state: 'concluded' });
      return { grantsRevoked: revoked, publish: event };
    });
  }

  cancel(actor: Actor, id: string, reason: string): Promise<ConsultationRecord> {
    return this.change(actor, id, 'consultation.cancel', COORDINATOR_OR_REQUESTER, async (m, c) => {
      const next = guardedTransition(c.state, 'cancel');
      await m.query(
        `UPDATE consultations SET state = $2, cancelled_at = now(), cancel_reason = $3, updated_at = now() WHERE id = $1`,
        [id, next, reason],
      );
      const revoked = await this.grants.revoke(m, { source: { type: 'consultation', id } });
      const event = await this.roomEvent(m, actor, id, 'room.closed', { state: 'cancelled' });
      return { reason, grantsRevoked: revoked, publish: event };
    });
  }

  /** The chair's draft (also broadcast to the room as a conclusion.draft event). */
  draftConclusion(actor: Actor, id: string, text: string): Promise<ConsultationRecord> {
    return this.change(actor, id, 'consultation.conclusion.draft', CHAIR_ONLY, async (m, c) => {
      const refusal = conclusionEditRefusal(c.state, c.conclusionSignedAt !== null);
      if (refusal) throw conflict(refusal);
      await this.saveDraft(m, id, text);
      // The payload keeps the room's shape; a REST call has no client message id to de-duplicate by.
      const event = await this.roomEvent(m, actor, id, 'conclusion.draft', { clientMsgId: randomUUID(), text });
      return { length: text.length, seq: event.seq, publish: event };
    });
  }

  /** Saves the draft text; the room's conclusion.draft events call this too. */
  async saveDraft(m: EntityManager, id: string, text: string): Promise<void> {
    await m.query('UPDATE consultations SET conclusion_text = $2, updated_at = now() WHERE id = $1', [id, text]);
  }

  /** Signs the conclusion as it stands, with the attendance the room recorded; immutable from then on. */
  signConclusion(actor: Actor, id: string): Promise<ConsultationRecord> {
    return this.change(actor, id, 'consultation.conclusion.sign', CHAIR_ONLY, async (m, c) => {
      const text = c.conclusionText ?? '';
      const refusal = conclusionSignRefusal(c.state, { signed: c.conclusionSignedAt !== null, text });
      if (refusal) throw conflict(refusal);
      const attendance = await this.log.attendance(id, m);
      const signedAt = new Date();
      const hash = conclusionHash({ id, text, signedBy: actor.userId, signedAt, attendance });
      await m.query(
        `UPDATE consultations SET conclusion_signed_at = $2, conclusion_signed_by = $3, conclusion_hash = $4,
                attendance = $5::jsonb, updated_at = now() WHERE id = $1`,
        [id, signedAt, actor.userId, hash, JSON.stringify(attendance)],
      );
      const event = await this.roomEvent(m, actor, id, 'conclusion.signed', { signedAt: signedAt.toISOString(), hash });
      return { hash, attendees: attendance.length, publish: event };
    });
  }

  /**
   * Loads the consultation locked, checks the caller may see it and passes `gate`, runs `write`, audits with the
   * details it returns, and answers with the consultation as it now is. Refusals are audited.
   */
  private async change(
    actor: Actor,
    id: string,
    action: string,
    gate: Gate,
    write: (m: EntityManager, c: ConsultationRecord) => Promise<ChangeDetails>,
  ): Promise<ConsultationRecord> {
    const { consultation, publish } = await recordRefusals(this.audit, () =>
      this.dataSource.transaction(async (m) => {
        const { consultation: c, role } = await this.loadFor(m, actor, id, action, true);
        const refusal = gate(actor, c, role);
        if (refusal) throw new AuditedRefusal(this.refusalEntry(action, c, refusal), forbidden(refusal));
        const { publish: event, ...details } = await write(m, c);
        // Details go to the audit trail; a room event to publish travels beside them, not in them.
        await this.audit.record(
          { action, objectType: 'consultation', objectId: id, patientId: c.patientId, details },
          m,
        );
        return { consultation: (await loadConsultation(m, id))!, publish: event };
      }),
    );
    if (publish) this.room.publish([publish]);
    return consultation;
  }

  /** A room event the hub writes for a change made over HTTP, in the change's transaction (published after it). */
  private async roomEvent<T extends MdtEventType>(
    m: EntityManager,
    actor: Actor,
    consultationId: string,
    type: T,
    payload: MdtEventPayloads[T],
  ): Promise<MdtEvent> {
    const entry = { consultationId, type, actorUserId: actor.userId, actorName: actor.username, clientMsgId: null };
    return (await this.log.append({ ...entry, payload }, m)).event;
  }

  private async loadFor(
    m: EntityManager,
    actor: Actor,
    id: string,
    action: string,
    forUpdate: boolean,
  ): Promise<{ consultation: ConsultationRecord; role: ParticipantRole | null }> {
    const consultation = await loadConsultation(m, id, forUpdate);
    if (!consultation) throw notFound('Consultation', id);
    const role = await participantRole(m, id, actor.userId);
    if (!viewerOf(actor, consultation, role)) {
      throw new AuditedRefusal(this.refusalEntry(action, consultation, NOT_YOURS), forbidden(NOT_YOURS));
    }
    return { consultation, role };
  }

  private refusalEntry(action: string, c: ConsultationRecord, reason: string) {
    return {
      action,
      objectType: 'consultation',
      objectId: c.id,
      patientId: c.patientId,
      outcome: 'denied' as const,
      details: { reason },
    };
  }

  /** Attached studies must be the patient's, and the requesting institution's to share. */
  private async checkMaterials(m: EntityManager, actor: Actor, patientId: string, studyIds: string[]): Promise<void> {
    if (studyIds.length === 0) return;
    const rows: { id: string; patient_id: string; institution_id: string }[] = await m.query(
      'SELECT id, patient_id, institution_id FROM studies WHERE id = ANY($1::uuid[])',
      [studyIds],
    );
    const found = new Map(rows.map((r) => [r.id, r]));
    for (const studyId of studyIds) {
      const study = found.get(studyId);
      if (!study || study.institution_id !== actor.institutionId) {
        throw notFound('Study of your institution', studyId);
      }
      if (study.patient_id !== patientId) {
        throw new DomainError(
          'unprocessable',
          `Study ${studyId} is not of this patient: attach only the patient’s studies`,
        );
      }
    }
  }
}

/** SHA-256 over the signed conclusion's content, its signer, time and attendance (hex). */
export function conclusionHash(content: {
  id: string;
  text: string;
  signedBy: string;
  signedAt: Date;
  attendance: readonly unknown[];
}): string {
  return createHash('sha256')
    .update(
      JSON.stringify([content.id, content.text, content.signedBy, content.signedAt.toISOString(), content.attendance]),
    )
    .digest('hex');
}
