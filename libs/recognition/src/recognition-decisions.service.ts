import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { DecisionView } from '@hub/contracts';
import { AuditedRefusal, AuditTrail, recordRefusals } from '@hub/audit';
import { type Actor, conflict, DomainError, forbidden, notFound } from '@hub/core';
import { isUniqueViolation } from '@hub/db';
import { decisionProblems, type DecisionInput } from './domain/not-recognised-reasons.js';
import { mayLookUpFor, ordersTests } from './domain/recognition-access.js';
import { patientFacts } from './patient-facts.js';
import type { LookupCandidate } from './entities/recognition-lookup.entity.js';

export interface DecisionRequest extends DecisionInput {
  lookupSerial: string;
  resultId: string;
}

const unprocessable = (message: string, details?: Record<string, unknown>) =>
  new DomainError('unprocessable', message, details);

type DecisionRow = Omit<DecisionView, 'priceYuan' | 'decidedAt'> & { priceYuan: string; decidedAt: Date };

const DECISION_COLUMNS = `d.id, l.serial AS "lookupSerial", d.result_id AS "resultId", d.patient_id AS "patientId",
  d.item_code AS "itemCode", d.institution_id AS "institutionId", d.decided_by AS "decidedBy", d.decision,
  d.reason_code AS "reasonCode", d.note, d.patient_informed AS "patientInformed", d.price_yuan AS "priceYuan",
  d.created_at AS "decidedAt"`;

const toView = (r: DecisionRow): DecisionView => ({
  ...r,
  priceYuan: Number(r.priceYuan),
  decidedAt: r.decidedAt.toISOString(),
});

/** The receiving doctor's decision on a looked-up result; a refusal to recognise always carries its reason. */
@Injectable()
export class RecognitionDecisions {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditTrail,
  ) {}

  async decide(actor: Actor, input: DecisionRequest): Promise<DecisionView> {
    if (!ordersTests(actor)) {
      await this.audit.record({
        action: 'recognition.decision',
        objectType: 'recognition_lookup',
        objectId: input.lookupSerial,
        outcome: 'denied',
      });
      throw forbidden('Recognition decisions are made by the doctors who order tests (clinic doctors, specialists)');
    }
    const problems = decisionProblems(input);
    if (problems.length) throw unprocessable(`The decision cannot be recorded: ${problems.join('; ')}`, { problems });
    try {
      return await recordRefusals(this.audit, () =>
        this.dataSource.transaction(async (m) => {
          const [lookup]: {
            id: string;
            patientId: string;
            consortiumId: string;
            institutionId: string;
            itemCode: string;
            candidates: LookupCandidate[];
          }[] = await m.query(
            `SELECT id, patient_id AS "patientId", consortium_id AS "consortiumId", institution_id AS "institutionId",
                  item_code AS "itemCode", candidates
             FROM recognition_lookups WHERE serial = $1`,
            [input.lookupSerial],
          );
          if (!lookup || lookup.consortiumId !== actor.consortiumId || lookup.institutionId !== actor.institutionId) {
            throw unprocessable(
              `There is no look-up ${input.lookupSerial} at your institution: look up the patient's results first ` +
                '(GET /api/patients/:id/recognizable?item=CODE) and cite its lookupSerial',
              { field: 'lookupSerial' },
            );
          }
          const [result]: { patientId: string }[] = await m.query(
            'SELECT patient_id AS "patientId" FROM recognisable_results WHERE id = $1',
            [input.resultId],
          );
          if (result && result.patientId !== lookup.patientId) {
            throw unprocessable(
              `Look-up ${input.lookupSerial} was made for another patient than result ${input.resultId}`,
              {
                field: 'resultId',
              },
            );
          }
          const candidate = lookup.candidates.find((c) => c.resultId === input.resultId);
          if (!result || !candidate) {
            throw unprocessable(
              `Result ${input.resultId} was not among the results look-up ${input.lookupSerial} showed`,
              {
                field: 'resultId',
              },
            );
          }
          if (input.decision === 'recognised' && !candidate.recognisable) {
            throw unprocessable(
              `Result ${input.resultId} was not recognisable at the look-up (${candidate.reason}): it cannot be recognised`,
              { field: 'decision', reason: candidate.reason },
            );
          }
          const patient = await patientFacts(m, lookup.patientId);
          if (!patient || !mayLookUpFor(actor, patient)) {
            throw new AuditedRefusal(
              {
                action: 'recognition.decision',
                objectType: 'recognition_lookup',
                objectId: input.lookupSerial,
                patientId: lookup.patientId,
              },
              forbidden('This patient is no longer registered at your institution'),
            );
          }
          const [row]: { id: string }[] = await m.query(
            `INSERT INTO recognition_decisions (lookup_id, result_id, consortium_id, patient_id, institution_id, decided_by,
                                              item_code, decision, reason_code, note, patient_informed, price_yuan)
           SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
                  coalesce((SELECT price_yuan FROM recognition_items WHERE consortium_id = $3 AND code = $7), 0)
           RETURNING id`,
            [
              lookup.id,
              input.resultId,
              lookup.consortiumId,
              lookup.patientId,
              actor.institutionId,
              actor.userId,
              lookup.itemCode,
              input.decision,
              input.decision === 'not_recognised' ? input.reasonCode : null,
              input.note?.trim() || null,
              input.patientInformed,
            ],
          );
          await this.audit.record(
            {
              action: 'recognition.decision',
              objectType: 'recognition_decision',
              objectId: row!.id,
              patientId: lookup.patientId,
              details: { lookupSerial: input.lookupSerial, resultId: input.resultId, decision: input.decision },
            },
            m,
          );
          const [view]: DecisionRow[] = await m.query(
            `SELECT ${DECISION_COLUMNS} FROM recognition_decisions d JOIN recognition_lookups l ON l.id = d.lookup_id
            WHERE d.id = $1`,
            [row!.id],
          );
          return toView(view!);
        }),
      );
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw conflict(`Result ${input.resultId} was already decided on look-up ${input.lookupSerial}`);
      }
      throw err;
    }
  }

  /** A patient's decisions, newest first, for the doctors who may look the patient up (and audited as a read). */
  async history(actor: Actor, patientId: string): Promise<DecisionView[]> {
    const outcome = await this.dataSource.transaction(async (m) => {
      const patient = await patientFacts(m, patientId);
      if (!patient || !mayLookUpFor(actor, patient)) return null;
      const rows: DecisionRow[] = await m.query(
        `SELECT ${DECISION_COLUMNS} FROM recognition_decisions d JOIN recognition_lookups l ON l.id = d.lookup_id
          WHERE d.patient_id = $1 ORDER BY d.created_at DESC, d.id`,
        [patientId],
      );
      await this.audit.record(
        { action: 'recognition.decision.list', objectType: 'patient', objectId: patientId, patientId },
        m,
      );
      return rows.map(toView);
    });
    if (!outcome) {
      await this.audit.record({
        action: 'recognition.decision.list',
        objectType: 'patient',
        objectId: patientId,
        patientId,
        outcome: 'denied',
      });
      throw notFound('Patient', `${patientId} (at your institution)`);
    }
    return outcome;
  }
}
