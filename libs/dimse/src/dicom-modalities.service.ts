import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditTrail } from '@hub/audit';
import { RegistryQueries } from '@hub/consortium';
import {
  type Actor,
  conflict,
  DomainError,
  forbidden,
  hasRole,
  HUB_CONFIG,
  isPlatformAdmin,
  type HubConfig,
  notFound,
  type Priority,
} from '@hub/core';
import { isUniqueViolation, returningRows } from '@hub/db';
import type { CallingModality, ModalityView, NewModality } from './modality.types.js';

const COLUMNS = `m.id, m.institution_id AS "institutionId", m.ae_title AS "aeTitle", m.addresses, m.description,
  m.auto_request_priority AS "priority", m.auto_request_referral AS "referral",
  m.auto_request_user_id AS "requestedByUserId", m.auto_request_set_at AS "setAt", m.created_at AS "createdAt"`;

interface Row {
  id: string;
  institutionId: string;
  aeTitle: string;
  addresses: string[];
  description: string | null;
  priority: Priority | null;
  referral: boolean;
  requestedByUserId: string | null;
  setAt: Date | null;
  createdAt: Date;
  consortiumId?: string;
}

const autoRequestOf = (r: Row) =>
  r.priority && r.requestedByUserId && r.setAt
    ? {
        priority: r.priority,
        referral: r.referral,
        requestedByUserId: r.requestedByUserId,
        setAt: r.setAt.toISOString(),
      }
    : null;

const toView = (r: Row): ModalityView => ({
  id: r.id,
  institutionId: r.institutionId,
  aeTitle: r.aeTitle,
  addresses: r.addresses,
  description: r.description,
  autoRequest: autoRequestOf(r),
  createdAt: r.createdAt.toISOString(),
});

const isClinicStaff = (actor: Actor) => hasRole(actor, 'clinic_technician', 'clinic_doctor');

/**
 * The modalities that may send to the hub's DICOM port. Administrators (the consortium's, or the platform's) register
 * and remove them; the clinic
 * that owns one sees its own and decides whether what it sends is read automatically.
 */
@Injectable()
export class DicomModalities {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly registry: RegistryQueries,
    private readonly audit: AuditTrail,
  ) {}

  async register(actor: Actor, input: NewModality): Promise<ModalityView> {
    await this.assertAdministers(actor, input.institutionId, 'dicom.modality.register');
    const aeTitle = input.aeTitle.trim();
    if (aeTitle === this.config.DICOM_AE_TITLE) {
      throw new DomainError('unprocessable', `${aeTitle} is the hub's own AE title: give the modality another one`, {
        field: 'aeTitle',
      });
    }
    try {
      return await this.dataSource.transaction(async (m) => {
        const [row]: Row[] = await m.query(
          `INSERT INTO dicom_modalities AS m (institution_id, ae_title, addresses, description)
           VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
          [input.institutionId, aeTitle, input.addresses ?? [], input.description ?? null],
        );
        await this.audit.record(
          {
            action: 'dicom.modality.register',
            objectType: 'dicom_modality',
            objectId: row!.id,
            details: { institutionId: input.institutionId, aeTitle, addresses: input.addresses ?? [] },
          },
          m,
        );
        return toView(row!);
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw conflict(`AE title ${aeTitle} is registered already: every modality needs its own`, { field: 'aeTitle' });
      }
      throw err;
    }
  }

  /**
   * Administrators, coordinators and auditors see the consortium's (the platform administrator every consortium's);
   * clinic staff see their institution's.
   */
  async list(actor: Actor, institutionId?: string): Promise<ModalityView[]> {
    const everyConsortium = isPlatformAdmin(actor);
    if (!actor.consortiumId && !everyConsortium) {
      throw forbidden('Modalities belong to a consortium: sign in as one of its users');
    }
    let institutionFilter = institutionId ?? null;
    if (!hasRole(actor, 'admin', 'coordinator', 'auditor')) {
      if (!isClinicStaff(actor) || !actor.institutionId) {
        throw forbidden("Only a consortium's administrators and coordinators or a clinic's staff can list modalities");
      }
      if (institutionId && institutionId !== actor.institutionId) {
        await this.denied('dicom.modality.list', 'institution', institutionId);
        throw forbidden("A clinic sees only its own institution's modalities");
      }
      institutionFilter = actor.institutionId;
    }
    const rows: Row[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM dicom_modalities m JOIN institutions i ON i.id = m.institution_id
        WHERE ($3::boolean OR i.consortium_id = $1) AND ($2::uuid IS NULL OR m.institution_id = $2)
        ORDER BY m.ae_title`,
      [actor.consortiumId, institutionFilter, everyConsortium],
    );
    return rows.map(toView);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    const modality = await this.visible(actor, id);
    await this.assertAdministers(actor, modality.institutionId, 'dicom.modality.remove');
    await this.dataSource.transaction(async (m) => {
      await m.query('DELETE FROM dicom_modalities WHERE id = $1', [id]);
      await this.audit.record(
        {
          action: 'dicom.modality.remove',
          objectType: 'dicom_modality',
          objectId: id,
          details: { aeTitle: modality.aeTitle },
        },
        m,
      );
    });
  }

  /** The clinic turns auto-request on (or changes it): requests are then made in the name of the user doing this. */
  async setAutoRequest(
    actor: Actor,
    id: string,
    setting: { priority: Priority; referral?: boolean },
  ): Promise<ModalityView> {
    const modality = await this.visible(actor, id);
    await this.assertOwnClinic(actor, modality, 'dicom.modality.auto_request');
    return this.updateAutoRequest(actor, id, setting.priority, setting.referral ?? false);
  }

  async clearAutoRequest(actor: Actor, id: string): Promise<ModalityView> {
    const modality = await this.visible(actor, id);
    await this.assertOwnClinic(actor, modality, 'dicom.modality.auto_request');
    return this.updateAutoRequest(actor, id, null, false);
  }

  /** The registered modality with this calling AE title, or null. */
  async calling(aeTitle: string): Promise<CallingModality | null> {
    const [row]: Row[] = await this.dataSource.query(
      `SELECT ${COLUMNS}, i.consortium_id AS "consortiumId"
         FROM dicom_modalities m JOIN institutions i ON i.id = m.institution_id WHERE m.ae_title = $1`,
      [aeTitle.trim()],
    );
    if (!row) return null;
    return {
      id: row.id,
      aeTitle: row.aeTitle,
      institutionId: row.institutionId,
      consortiumId: row.consortiumId!,
      addresses: row.addresses,
      autoRequest: autoRequestOf(row),
    };
  }

  private async updateAutoRequest(actor: Actor, id: string, priority: Priority | null, referral: boolean) {
    return this.dataSource.transaction(async (m) => {
      const [row] = await returningRows<Row>(
        m,
        `UPDATE dicom_modalities AS m SET auto_request_priority = $2, auto_request_referral = $3,
            auto_request_user_id = CASE WHEN $2::text IS NULL THEN NULL ELSE $4::uuid END,
            auto_request_set_at = CASE WHEN $2::text IS NULL THEN NULL ELSE now() END
          WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, priority, referral, actor.userId],
      );
      if (!row) throw notFound('Modality', id);
      await this.audit.record(
        {
          action: priority ? 'dicom.modality.auto_request.set' : 'dicom.modality.auto_request.clear',
          objectType: 'dicom_modality',
          objectId: id,
          details: priority ? { priority, referral } : {},
        },
        m,
      );
      return toView(row);
    });
  }

  /** A modality of the caller's consortium (any, for the platform administrator); another's is as good as missing. */
  private async visible(actor: Actor, id: string): Promise<Row> {
    const [row]: Row[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM dicom_modalities m JOIN institutions i ON i.id = m.institution_id
        WHERE m.id = $1 AND ($2::boolean OR i.consortium_id = $3)`,
      [id, isPlatformAdmin(actor), actor.consortiumId],
    );
    if (!row) throw notFound('Modality', id);
    return row;
  }

  private async assertAdministers(actor: Actor, institutionId: string, action: string): Promise<void> {
    const institution = await this.registry.findInstitution(institutionId);
    const inScope = isPlatformAdmin(actor) || institution?.consortiumId === actor.consortiumId;
    if (!institution || !inScope) throw notFound('Institution', institutionId);
    if (!hasRole(actor, 'admin')) {
      await this.denied(action, 'institution', institutionId);
      throw forbidden('Only administrators register or remove modalities');
    }
  }

  private async assertOwnClinic(actor: Actor, modality: Row, action: string): Promise<void> {
    if (isClinicStaff(actor) && actor.institutionId === modality.institutionId) return;
    await this.denied(action, 'dicom_modality', modality.id);
    throw forbidden(
      'Only staff of the clinic that owns the modality decide whether its studies are read automatically',
    );
  }

  private denied(action: string, objectType: string, objectId: string): Promise<void> {
    return this.audit.record({ action, objectType, objectId, outcome: 'denied' });
  }
}
