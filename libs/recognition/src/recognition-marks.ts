import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PreparedStatement } from '@hub/db';
import type { Discipline } from '@hub/contracts';
import { type ReportMark, ReportMarks } from '@hub/reading';
import { type CatalogueItemStanding, hrMark, judge } from './domain/recognisability.js';
import { QC_PASSED_WHEN_PERFORMED } from './recognition-sql.js';

interface MarkRow {
  performedAt: Date;
  withdrawnAt: Date | null;
  qcPassed: boolean;
  discipline: Discipline;
  /** The catalogue item, null when the catalogue has none under the result's exam code. */
  item: CatalogueItemStanding | null;
  hrScope: string | null;
}

/** Runs on every read of a signed report. */
const markOfReport = new PreparedStatement<MarkRow>(
  `SELECT r.performed_at AS "performedAt", r.withdrawn_at AS "withdrawnAt", ${QC_PASSED_WHEN_PERFORMED} AS "qcPassed",
          r.discipline, CASE WHEN it.code IS NOT NULL THEN json_build_object('validityDays', it.validity_days,
            'active', it.active, 'discipline', it.discipline) END AS item, st.hr_scope AS "hrScope"
     FROM recognisable_results r
     JOIN institutions i ON i.id = r.performing_institution_id AND i.consortium_id = r.consortium_id
     LEFT JOIN recognition_items it ON it.consortium_id = r.consortium_id AND it.code = r.item_code
     LEFT JOIN recognition_settings st ON st.consortium_id = r.consortium_id
    WHERE r.report_id = $1`,
);

/** Puts the HR mark on a signed report while its result is recognisable (judged at each read, like a look-up). */
@Injectable()
export class RecognitionMarks implements OnModuleInit {
  constructor(private readonly marks: ReportMarks) {}

  onModuleInit(): void {
    this.marks.register((m, reportId) => this.of(m, reportId));
  }

  async of(m: EntityManager, reportId: string, now = new Date()): Promise<ReportMark[]> {
    const [row] = await markOfReport.run(m, [reportId]);
    if (!row?.hrScope) return [];
    const judgement = judge(now, {
      performedAt: row.performedAt,
      withdrawnAt: row.withdrawnAt,
      discipline: row.discipline,
      item: row.item,
      qcPassed: row.qcPassed,
    });
    if (!judgement.recognisable) return [];
    return [{ kind: 'mutual_recognition', label: hrMark(row.hrScope), validUntil: judgement.validUntil.toISOString() }];
  }
}
