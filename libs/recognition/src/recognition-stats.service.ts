import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { RecognitionStatsRow, RecognitionStatsView } from '@hub/contracts';
import { AuditTrail } from '@hub/audit';
import { type Actor, forbidden, shareOf } from '@hub/core';
import { mayViewStatistics } from './domain/recognition-access.js';

type StatsRow = Omit<RecognitionStatsRow, 'recognitionRate' | 'estimatedSavingYuan'> & { estimatedSavingYuan: string };

/** This API's rate is a number: 0 where nobody decided (the oversight API says null there). */
const rate = (recognised: number, decisions: number) => shareOf(recognised, decisions) ?? 0;

/** Recognition rate per deciding institution, item and month; repeats avoided and what they would have cost. */
@Injectable()
export class RecognitionStats {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditTrail,
  ) {}

  async byInstitutionItemMonth(actor: Actor, from: string, to: string): Promise<RecognitionStatsView> {
    if (!mayViewStatistics(actor)) {
      await this.audit.record({ action: 'recognition.stats', objectType: 'consortium', outcome: 'denied' });
      throw forbidden("Recognition statistics are for the consortium's coordinators, administrators and auditors");
    }
    const rows: StatsRow[] = await this.dataSource.query(
      `SELECT to_char(d.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month,
              d.institution_id AS "institutionId", i.name AS "institutionName", d.item_code AS "itemCode",
              count(*)::int AS decisions,
              count(*) FILTER (WHERE d.decision = 'recognised')::int AS recognised,
              count(*) FILTER (WHERE d.decision = 'not_recognised')::int AS "notRecognised",
              count(*) FILTER (WHERE d.decision = 'recognised')::int AS "repeatsAvoided",
              coalesce(sum(d.price_yuan) FILTER (WHERE d.decision = 'recognised'), 0)::text AS "estimatedSavingYuan"
         FROM recognition_decisions d JOIN institutions i ON i.id = d.institution_id
        WHERE d.consortium_id = $1
          AND d.created_at >= (to_date($2, 'YYYY-MM')::timestamp AT TIME ZONE 'Asia/Shanghai')
          AND d.created_at < ((to_date($3, 'YYYY-MM') + interval '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai')
        GROUP BY 1, 2, 3, 4
        ORDER BY 1, 3, 4`,
      [actor.consortiumId, from, to],
    );
    const out = rows.map((r) => ({
      ...r,
      recognitionRate: rate(r.recognised, r.decisions),
      estimatedSavingYuan: Number(r.estimatedSavingYuan),
    }));
    const sum = (key: 'decisions' | 'recognised' | 'notRecognised' | 'repeatsAvoided' | 'estimatedSavingYuan') =>
      out.reduce((acc, r) => acc + r[key], 0);
    return {
      from,
      to,
      rows: out,
      totals: {
        decisions: sum('decisions'),
        recognised: sum('recognised'),
        notRecognised: sum('notRecognised'),
        recognitionRate: rate(sum('recognised'), sum('decisions')),
        repeatsAvoided: sum('repeatsAvoided'),
        estimatedSavingYuan: Math.round(sum('estimatedSavingYuan') * 100) / 100,
      },
    };
  }
}
