import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditTrail } from '@hub/audit';
import { type Actor, conflict, DomainError, forbidden, notFound } from '@hub/core';
import { mayReadPatient, mayRegisterPatient } from './patient-access.policy.js';
import type { NewPatient, Patient, PatientIdentifier, Sex } from './patient.types.js';

interface PatientRow {
  id: string;
  consortium_id: string;
  name: string;
  sex: Sex | null;
  birth_date: string | null;
  created_at: Date;
}

/**
 * The only way to patient rows. Every method takes the caller, checks the access policy and writes the audit event in
 * the same transaction as the read or write, so no endpoint can forget either.
 */
@Injectable()
export class PatientRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditTrail,
  ) {}

  async register(actor: Actor, input: NewPatient): Promise<Patient> {
    if (!mayRegisterPatient(actor)) {
      await this.audit.record({ action: 'patient.create', objectType: 'patient', outcome: 'denied' });
      throw forbidden('Only clinic staff of an institution can register patients');
    }
    const institutionId = actor.institutionId!;
    return this.dataSource.transaction(async (m) => {
      // Serialise registrations of the same local id, so two uploads of one patient never make two records.
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${institutionId}/${input.localId}`]);
      const existing: { patient_id: string }[] = await m.query(
        'SELECT patient_id FROM patient_identifiers WHERE institution_id = $1 AND local_id = $2',
        [institutionId, input.localId],
      );
      if (existing[0]) {
        throw conflict(`Local patient id '${input.localId}' is already registered at your institution`, {
          patientId: existing[0].patient_id,
        });
      }
      const [row]: PatientRow[] = await m.query(
        `INSERT INTO patients (consortium_id, name, sex, birth_date) VALUES ($1, $2, $3, $4) RETURNING *`,
        [actor.consortiumId, input.name, input.sex ?? null, input.birthDate ?? null],
      );
      await m.query('INSERT INTO patient_identifiers (institution_id, local_id, patient_id) VALUES ($1, $2, $3)', [
        institutionId,
        input.localId,
        row!.id,
      ]);
      await this.audit.record(
        { action: 'patient.create', objectType: 'patient', objectId: row!.id, patientId: row!.id },
        m,
      );
      return this.toPatient(row!, [{ institutionId, localId: input.localId }]);
    });
  }

  /**
   * The consortium patient for (caller's institution, local patient id), created on first sight, inside the caller's
   * transaction (study ingest). An existing record is not overwritten by what a later file says.
   */
  async resolveForIngest(
    m: EntityManager,
    actor: Actor,
    input: NewPatient,
  ): Promise<{ patientId: string; created: boolean }> {
    if (!mayRegisterPatient(actor)) throw forbidden('Only clinic staff of an institution can send studies');
    const institutionId = actor.institutionId!;
    await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${institutionId}/${input.localId}`]);
    const [existing]: { patient_id: string }[] = await m.query(
      'SELECT patient_id FROM patient_identifiers WHERE institution_id = $1 AND local_id = $2',
      [institutionId, input.localId],
    );
    if (existing) return { patientId: existing.patient_id, created: false };
    const [row]: { id: string }[] = await m.query(
      'INSERT INTO patients (consortium_id, name, sex, birth_date) VALUES ($1, $2, $3, $4) RETURNING id',
      [actor.consortiumId, input.name, input.sex ?? null, input.birthDate ?? null],
    );
    await m.query('INSERT INTO patient_identifiers (institution_id, local_id, patient_id) VALUES ($1, $2, $3)', [
      institutionId,
      input.localId,
      row!.id,
    ]);
    await this.audit.record(
      {
        action: 'patient.create',
        objectType: 'patient',
        objectId: row!.id,
        patientId: row!.id,
        details: { via: 'ingest' },
      },
      m,
    );
    return { patientId: row!.id, created: true };
  }

  async findById(actor: Actor, id: string): Promise<Patient> {
    return this.readAudited(actor, 'patient.read', id, (m) => this.load(m, id));
  }

  /** A patient by the local id the caller's institution gave them. */
  async findByLocalId(actor: Actor, localId: string): Promise<Patient> {
    if (!actor.institutionId) throw new DomainError('forbidden', 'Only staff of an institution have local patient ids');
    const [row]: { patient_id: string }[] = await this.dataSource.query(
      'SELECT patient_id FROM patient_identifiers WHERE institution_id = $1 AND local_id = $2',
      [actor.institutionId, localId],
    );
    if (!row) throw new DomainError('not_found', `No patient with local id '${localId}' at your institution`);
    return this.findById(actor, row.patient_id);
  }

  private async readAudited(
    actor: Actor,
    action: string,
    id: string,
    load: (m: EntityManager) => Promise<Patient | null>,
  ): Promise<Patient> {
    const outcome = await this.dataSource.transaction(async (m) => {
      const patient = await load(m);
      if (!patient) return 'missing' as const;
      if (!mayReadPatient(actor, patient)) return 'denied' as const;
      await this.audit.record({ action, objectType: 'patient', objectId: id, patientId: id }, m);
      return patient;
    });
    if (outcome === 'missing') throw notFound('Patient', id);
    if (outcome === 'denied') {
      await this.audit.record({ action, objectType: 'patient', objectId: id, patientId: id, outcome: 'denied' });
      throw forbidden('This patient is not registered at your institution');
    }
    return outcome;
  }

  private async load(m: EntityManager, id: string): Promise<Patient | null> {
    const [row]: PatientRow[] = await m.query('SELECT * FROM patients WHERE id = $1', [id]);
    if (!row) return null;
    const ids: { institution_id: string; local_id: string }[] = await m.query(
      'SELECT institution_id, local_id FROM patient_identifiers WHERE patient_id = $1 ORDER BY created_at',
      [id],
    );
    return this.toPatient(
      row,
      ids.map((i) => ({ institutionId: i.institution_id, localId: i.local_id })),
    );
  }

  private toPatient(row: PatientRow, identifiers: PatientIdentifier[]): Patient {
    return {
      id: row.id,
      consortiumId: row.consortium_id,
      name: row.name,
      sex: row.sex,
      birthDate: row.birth_date,
      identifiers,
      createdAt: row.created_at,
    };
  }
}
