import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { RecognitionCandidate, RecognitionLookupView } from '@hub/contracts';
import { type AuditedWrite, AuditTrail } from '@hub/audit';
import { type Actor, type Discipline, forbidden, notFound } from '@hub/core';
import { PreparedStatement } from '@hub/db';
import { type NewStudyAccessGrant, StudyAccessGrants } from '@hub/studies';
import { type CatalogueItemView, ITEM_COLUMNS, itemFromJson, RecognitionCatalogue } from './catalogue.service.js';
import { mayLookUpFor, ordersTests } from './domain/recognition-access.js';
import { hrMark, judge, lookupSerial } from './domain/recognisability.js';
import { PATIENT_INSTITUTION_IDS, type PatientFacts } from './patient-facts.js';
import { QC_PASSED_WHEN_PERFORMED } from './recognition-sql.js';
import type { LookupCandidate } from './entities/recognition-lookup.entity.js';

interface ResultRow {
  id: string;
  studyId: string;
  discipline: Discipline;
  institutionId: string;
  institutionName: string;
  performedAt: Date;
  signedAt: Date;
  withdrawnAt: Date | null;
  studyInstanceUid: string | null;
  qcPassed: boolean;
}

/** How many prior results one look-up shows at most (newest first): more than a doctor reads before ordering. */
const MAX_CANDIDATES = 50;

type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

interface LookupFacts extends PatientFacts {
  item: Parameters<typeof itemFromJson>[0] | null;
  hrScope: string;
  /** Newest first, at most MAX_CANDIDATES. */
  results: Json<ResultRow>[];
  seq: string;
}

const resultFromJson = (r: Json<ResultRow>): ResultRow => ({
  ...r,
  performedAt: new Date(r.performedAt),
  signedAt: new Date(r.signedAt),
  withdrawnAt: r.withdrawnAt === null ? null : new Date(r.withdrawnAt),
});

/**
 * The patient (consortium, registering institutions), the catalogue item, the consortium's HR scope and the patient's
 * results of the item performed by institutions of the consortium (one from an institution that has left it is not
 * offered), each with whether its performer had passed QC on the day (China time); and the look-up's serial number.
 * No row: no such patient. $1 patient, $2 item code. Prepared: planning it took longer than running it.
 */
const lookupFacts = new PreparedStatement<LookupFacts>(`
  SELECT p.consortium_id AS "consortiumId", ${PATIENT_INSTITUTION_IDS} AS "institutionIds",
         (SELECT row_to_json(it) FROM (SELECT ${ITEM_COLUMNS} FROM recognition_items
                                        WHERE consortium_id = p.consortium_id AND code = $2) it) AS item,
         (SELECT hr_scope FROM recognition_settings WHERE consortium_id = p.consortium_id) AS "hrScope",
         (SELECT coalesce(json_agg(x ORDER BY x."performedAt" DESC, x.id), '[]'::json) FROM (
            SELECT r.id, r.study_id AS "studyId", r.discipline, i.id AS "institutionId", i.name AS "institutionName",
                   r.performed_at AS "performedAt", r.signed_at AS "signedAt", r.withdrawn_at AS "withdrawnAt",
                   s.study_instance_uid AS "studyInstanceUid", ${QC_PASSED_WHEN_PERFORMED} AS "qcPassed"
              FROM recognisable_results r
              JOIN institutions i ON i.id = r.performing_institution_id AND i.consortium_id = p.consortium_id
              JOIN studies s ON s.id = r.study_id
             WHERE r.patient_id = p.id AND r.item_code = $2 AND r.consortium_id = p.consortium_id
             ORDER BY r.performed_at DESC, r.id
             LIMIT ${MAX_CANDIDATES}) x) AS results,
         nextval('recognition_lookup_serial_seq')::text AS seq
    FROM patients p WHERE p.id = $1`);

/**
 * 互认 look-ups: before ordering a repeat test, a doctor asks which of the patient's results of that item, from any
 * member of the consortium, may be used instead. Every look-up gets a serial number and is kept with what it showed.
 */
@Injectable()
export class RecognitionLookups {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalogue: RecognitionCatalogue,
    private readonly grants: StudyAccessGrants,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * Two round trips: one statement reads the patient, the item, the HR scope and the results (and draws the serial
   * number); one writes the look-up and the grants for what the doctor may open, each with its audit events.
   */
  async lookUp(actor: Actor, patientId: string, itemCode: string): Promise<RecognitionLookupView> {
    if (!ordersTests(actor)) {
      await this.denied(patientId);
      throw forbidden(
        'Look-ups before a repeat test are for the doctors who order tests (clinic doctors, specialists)',
      );
    }
    // Only a patient of the caller's own consortium may be looked up, so its catalogue is the one to have ready.
    if (actor.consortiumId) await this.catalogue.ensureSeeded(actor.consortiumId);
    const [facts] = await lookupFacts.run(this.dataSource, [patientId, itemCode]);
    if (!facts || !mayLookUpFor(actor, facts)) {
      await this.denied(patientId);
      throw notFound('Patient', `${patientId} (at your institution)`);
    }
    if (!facts.item) throw notFound('Recognition catalogue item', `${itemCode} (see GET /api/recognition/items)`);
    const item = itemFromJson(facts.item);
    const hrMarkOf = hrMark(facts.hrScope);
    const now = new Date();
    const candidates = facts.results.map((r) => this.candidate(resultFromJson(r), item, hrMarkOf, now));
    const serial = lookupSerial(now, Number(facts.seq));
    const lookupId = randomUUID();
    const kept: LookupCandidate[] = candidates.map((c) => ({
      resultId: c.resultId,
      recognisable: c.hr !== null,
      reason: c.reason ?? null,
    }));
    const recognisable = candidates.filter((c) => c.hr !== null);
    // The doctor may open what they may recognise (images, tracing, values) while it stays recognisable.
    const grants: NewStudyAccessGrant[] = recognisable
      .filter((c) => c.performingInstitution.id !== actor.institutionId)
      .map((c) => ({
        studyId: c.studyId,
        grantee: { type: 'institution', id: actor.institutionId! },
        source: { type: 'recognition_lookup', id: lookupId },
        expiresAt: new Date(c.validUntil!),
      }));
    const lookup: AuditedWrite = {
      entry: {
        action: 'recognition.lookup',
        objectType: 'recognition_lookup',
        details: { itemCode, candidates: candidates.length, recognisable: recognisable.length },
      },
      columns: { objectId: 'serial', patientId: 'patientId' },
      statement: `INSERT INTO recognition_lookups (id, serial, consortium_id, patient_id, item_code, institution_id,
                                                   user_id, candidates, created_at)
                  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING serial, patient_id AS "patientId"`,
      params: [
        lookupId,
        serial,
        facts.consortiumId,
        patientId,
        itemCode,
        actor.institutionId,
        actor.userId,
        JSON.stringify(kept),
        now,
      ],
    };
    // One statement, so one round trip and atomic: the look-up, the grants, and the audit event of each.
    await this.audit.recordPerRowAll(
      this.dataSource.manager,
      grants.length === 0 ? [lookup] : [lookup, this.grants.grantAllWrite(grants)],
    );
    return {
      lookupSerial: serial,
      patientId,
      item,
      at: now.toISOString(),
      recognisable,
      notRecognisable: candidates.filter((c) => c.hr === null),
    };
  }

  private candidate(r: ResultRow, item: CatalogueItemView, hrMark: string, now: Date): RecognitionCandidate {
    const judgement = judge(now, {
      performedAt: r.performedAt,
      withdrawnAt: r.withdrawnAt,
      discipline: r.discipline,
      item,
      qcPassed: r.qcPassed,
    });
    return {
      resultId: r.id,
      studyId: r.studyId,
      discipline: r.discipline,
      performingInstitution: { id: r.institutionId, name: r.institutionName },
      performedAt: r.performedAt.toISOString(),
      signedAt: r.signedAt.toISOString(),
      validUntil: judgement.validUntil?.toISOString() ?? null,
      hr: judgement.recognisable ? hrMark : null,
      ...(judgement.recognisable ? {} : { reason: judgement.reason }),
      links: {
        study: `/api/studies/${r.studyId}`,
        dicomweb: r.studyInstanceUid ? `/dicomweb/studies/${r.studyInstanceUid}` : null,
      },
    };
  }

  private denied(patientId: string): Promise<void> {
    return this.audit.record({
      action: 'recognition.lookup',
      objectType: 'patient',
      objectId: patientId,
      patientId,
      outcome: 'denied',
    });
  }
}
