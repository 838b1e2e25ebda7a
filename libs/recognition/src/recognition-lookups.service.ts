import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditTrail } from '@hub/audit';
import { type Actor, type Discipline, forbidden, notFound } from '@hub/core';
import { StudyAccessGrants } from '@hub/studies';
import { RecognitionCatalogue, type CatalogueItemView } from './catalogue.service.js';
import { mayLookUpFor, ordersTests } from './domain/recognition-access.js';
import { judge, lookupSerial, type NotRecognisableReason } from './domain/recognisability.js';
import { patientFacts } from './patient-facts.js';
import { QC_PASSED_WHEN_PERFORMED } from './recognition-sql.js';
import type { LookupCandidate } from './entities/recognition-lookup.entity.js';

export interface RecognitionCandidate {
  resultId: string;
  studyId: string;
  discipline: Discipline;
  performingInstitution: { id: string; name: string };
  performedAt: string;
  signedAt: string;
  validUntil: string | null;
  /** The HR mark with its scope, on recognisable results only. */
  hr: string | null;
  reason?: NotRecognisableReason;
  /** Where the result itself is (images, tracing, values): not the diagnostic conclusion, which is not recognised. */
  links: { study: string; dicomweb: string | null };
}

export interface RecognitionLookupView {
  lookupSerial: string;
  patientId: string;
  item: CatalogueItemView;
  at: string;
  recognisable: RecognitionCandidate[];
  notRecognisable: RecognitionCandidate[];
}

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

  async lookUp(actor: Actor, patientId: string, itemCode: string): Promise<RecognitionLookupView> {
    if (!ordersTests(actor)) {
      await this.denied(patientId);
      throw forbidden(
        'Look-ups before a repeat test are for the doctors who order tests (clinic doctors, specialists)',
      );
    }
    // Only a patient of the caller's own consortium may be looked up, so its catalogue is the one to have ready.
    if (actor.consortiumId) await this.catalogue.ensureSeeded(actor.consortiumId);
    const outcome = await this.dataSource.transaction(async (m) => {
      const patient = await patientFacts(m, patientId);
      if (!patient || !mayLookUpFor(actor, patient)) return 'denied' as const;
      const item = await this.catalogue.item(patient.consortiumId, itemCode, m);
      const { hrMark } = await this.catalogue.settingsOf(patient.consortiumId, m);
      const now = new Date();
      const candidates = (await this.results(m, patientId, patient.consortiumId, itemCode)).map((r) =>
        this.candidate(r, item, hrMark, now),
      );
      const [{ seq }]: { seq: string }[] = await m.query("SELECT nextval('recognition_lookup_serial_seq') AS seq");
      const serial = lookupSerial(now, Number(seq));
      const kept: LookupCandidate[] = candidates.map((c) => ({
        resultId: c.resultId,
        recognisable: c.hr !== null,
        reason: c.reason ?? null,
      }));
      const [{ id: lookupId }]: { id: string }[] = await m.query(
        `INSERT INTO recognition_lookups (serial, consortium_id, patient_id, item_code, institution_id, user_id,
                                          candidates, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [
          serial,
          patient.consortiumId,
          patientId,
          itemCode,
          actor.institutionId,
          actor.userId,
          JSON.stringify(kept),
          now,
        ],
      );
      // The doctor may open what they may recognise (images, tracing, values) while it stays recognisable.
      for (const c of candidates) {
        if (c.hr === null || c.performingInstitution.id === actor.institutionId) continue;
        await this.grants.grant(m, {
          studyId: c.studyId,
          grantee: { type: 'institution', id: actor.institutionId! },
          source: { type: 'recognition_lookup', id: lookupId },
          expiresAt: new Date(c.validUntil!),
        });
      }
      const recognisable = candidates.filter((c) => c.hr !== null);
      await this.audit.record(
        {
          action: 'recognition.lookup',
          objectType: 'recognition_lookup',
          objectId: serial,
          patientId,
          details: { itemCode, candidates: candidates.length, recognisable: recognisable.length },
        },
        m,
      );
      return {
        lookupSerial: serial,
        patientId,
        item,
        at: now.toISOString(),
        recognisable,
        notRecognisable: candidates.filter((c) => c.hr === null),
      };
    });
    if (outcome === 'denied') {
      await this.denied(patientId);
      throw notFound('Patient', `${patientId} (at your institution)`);
    }
    return outcome;
  }

  private candidate(r: ResultRow, item: CatalogueItemView, hrMark: string, now: Date): RecognitionCandidate {
    const judgement = judge(now, {
      performedAt: r.performedAt,
      withdrawnAt: r.withdrawnAt,
      validityDays: item.active ? item.validityDays : null,
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

  /**
   * The patient's results of the item performed by institutions of the consortium (a result from an institution
   * that has left it is not offered), with whether the performer had passed QC on the day (China time).
   */
  private results(m: EntityManager, patientId: string, consortiumId: string, itemCode: string): Promise<ResultRow[]> {
    return m.query(
      `SELECT r.id, r.study_id AS "studyId", r.discipline, i.id AS "institutionId", i.name AS "institutionName",
              r.performed_at AS "performedAt", r.signed_at AS "signedAt", r.withdrawn_at AS "withdrawnAt",
              s.study_instance_uid AS "studyInstanceUid",
              ${QC_PASSED_WHEN_PERFORMED} AS "qcPassed"
         FROM recognisable_results r
         JOIN institutions i ON i.id = r.performing_institution_id AND i.consortium_id = $2
         JOIN studies s ON s.id = r.study_id
        WHERE r.patient_id = $1 AND r.item_code = $3 AND r.consortium_id = $2
        ORDER BY r.performed_at DESC, r.id
        LIMIT ${MAX_CANDIDATES}`,
      [patientId, consortiumId, itemCode],
    );
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
