import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditTrail } from '@hub/audit';
import { type Actor, conflict, DomainError, forbidden, notFound } from '@hub/core';
import { NationalIdHasher } from './national-id.js';
import { mayReadPatient, mayRegisterPatient } from './patient-access.policy.js';
import type { NewPatient, Patient, PatientIdentifier, PatientResolution, Sex } from './patient.types.js';

interface PatientRow {
  id: string;
  consortium_id: string;
  name: string;
  sex: Sex | null;
  birth_date: string | null;
  national_id_hash: string | null;
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
    private readonly nationalIds: NationalIdHasher,
  ) {}

  async register(actor: Actor, input: NewPatient): Promise<Patient> {
    if (!mayRegisterPatient(actor)) {
      await this.audit.record({ action: 'patient.create', objectType: 'patient', outcome: 'denied' });
      throw forbidden('Only clinic staff of an institution can register patients');
    }
    return this.dataSource.transaction(async (m) => {
      const { patientId } = await this.resolveIn(m, actor, input, 'registration');
      return (await this.load(m, patientId))!;
    });
  }

  /**
   * The consortium patient for (caller's institution, local patient id), inside the caller's transaction (study
   * ingest): the existing record, the record of the same person at another institution (same national id), or a new
   * one. An existing record is not overwritten by what a later file says.
   */
  async resolveForIngest(
    m: EntityManager,
    actor: Actor,
    input: NewPatient,
  ): Promise<{ patientId: string; resolution: PatientResolution }> {
    if (!mayRegisterPatient(actor)) throw forbidden('Only clinic staff of an institution can send studies');
    return this.resolveIn(m, actor, input, 'ingest');
  }

  private async resolveIn(
    m: EntityManager,
    actor: Actor,
    input: NewPatient,
    via: 'registration' | 'ingest',
  ): Promise<{ patientId: string; resolution: PatientResolution }> {
    const institutionId = actor.institutionId!;
    const nationalIdHash = input.nationalId === undefined ? null : this.nationalIds.hash(input.nationalId);
    // Serialise resolutions of the same local id (and national id), so two uploads never make two records.
    await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${institutionId}/${input.localId}`]);
    if (nationalIdHash) await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`nid:${nationalIdHash}`]);
    const [existing]: { patient_id: string; national_id_hash: string | null }[] = await m.query(
      `SELECT i.patient_id, p.national_id_hash FROM patient_identifiers i JOIN patients p ON p.id = i.patient_id
        WHERE i.institution_id = $1 AND i.local_id = $2`,
      [institutionId, input.localId],
    );
    if (existing) {
      if (via === 'registration') {
        throw conflict(`Local patient id '${input.localId}' is already registered at your institution`, {
          patientId: existing.patient_id,
        });
      }
      if (nationalIdHash) await this.attachNationalId(m, existing, nationalIdHash);
      return { patientId: existing.patient_id, resolution: 'existing' };
    }
    const linked = nationalIdHash ? await this.findByNationalIdHash(m, actor.consortiumId!, nationalIdHash) : null;
    const patientId =
      linked ??
      (
        (await m.query(
          `INSERT INTO patients (consortium_id, name, sex, birth_date, national_id_hash) VALUES ($1, $2, $3, $4, $5)
           RETURNING id`,
          [actor.consortiumId, input.name, input.sex ?? null, input.birthDate ?? null, nationalIdHash],
        )) as { id: string }[]
      )[0]!.id;
    await m.query(
      'INSERT INTO patient_identifiers (institution_id, local_id, patient_id, issuer) VALUES ($1, $2, $3, $4)',
      [institutionId, input.localId, patientId, input.issuer ?? null],
    );
    await this.audit.record(
      {
        action: linked ? 'patient.link' : 'patient.create',
        objectType: 'patient',
        objectId: patientId,
        patientId,
        details: { via, ...(linked ? { matchedBy: 'national-id' } : {}) },
      },
      m,
    );
    return { patientId, resolution: linked ? 'linked' : 'created' };
  }

  private async findByNationalIdHash(m: EntityManager, consortiumId: string, hash: string): Promise<string | null> {
    const [row]: { id: string }[] = await m.query(
      'SELECT id FROM patients WHERE consortium_id = $1 AND national_id_hash = $2',
      [consortiumId, hash],
    );
    return row?.id ?? null;
  }

  /** A national id arriving for a record that has none is kept; one that contradicts the record is refused. */
  private async attachNationalId(
    m: EntityManager,
    existing: { patient_id: string; national_id_hash: string | null },
    hash: string,
  ): Promise<void> {
    if (existing.national_id_hash === hash) return;
    if (existing.national_id_hash !== null) {
      throw conflict('The national id differs from the one on record for this local patient id');
    }
    const [consortium]: { consortium_id: string }[] = await m.query(
      'SELECT consortium_id FROM patients WHERE id = $1',
      [existing.patient_id],
    );
    const other = await this.findByNationalIdHash(m, consortium!.consortium_id, hash);
    if (other) {
      throw conflict(
        'The national id belongs to another patient record in the consortium; an administrator must merge the two',
        { patientId: existing.patient_id },
      );
    }
    await m.query('UPDATE patients SET national_id_hash = $2, updated_at = now() WHERE id = $1', [
      existing.patient_id,
      hash,
    ]);
    await this.audit.record(
      {
        action: 'patient.update',
        objectType: 'patient',
        objectId: existing.patient_id,
        patientId: existing.patient_id,
        details: { field: 'nationalIdHash' },
      },
      m,
    );
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
      nationalIdOnRecord: row.national_id_hash !== null,
      createdAt: row.created_at,
    };
  }
}
