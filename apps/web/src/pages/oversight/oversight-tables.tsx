import { useTranslation } from 'react-i18next';
import type { CentreOversightRow, ClinicOversightRow } from '../../api/oversight';
import type { RecognitionStats } from '../../api/oversight';

/** A share 0–1 as a percentage with one decimal, or a dash when there was nothing to share out. */
export const formatShare = (share: number | null): string =>
  share === null ? '—' : `${(Math.round(share * 1000) / 10).toFixed(1)}%`;
const formatMinutes = (m: number | null): string => (m === null ? '—' : String(m));

export function CentreTable({ centres }: { centres: CentreOversightRow[] }) {
  const { t } = useTranslation();
  return (
    <table className="figures" data-testid="centre-table">
      <thead>
        <tr>
          <th>{t('oversight.centre')}</th>
          <th title={t('oversight.queueNow')}>{t('priority.stat')}</th>
          <th title={t('oversight.queueNow')}>{t('priority.urgent')}</th>
          <th title={t('oversight.queueNow')}>{t('priority.routine')}</th>
          <th>{t('oversight.overdue')}</th>
          <th>{t('oversight.requests')}</th>
          <th>{t('oversight.signed')}</th>
          <th>P50 / P90</th>
          <th>{t('oversight.slaCompliance')}</th>
          <th>{t('oversight.breached')}</th>
          <th>{t('oversight.returned')}</th>
        </tr>
      </thead>
      <tbody>
        {centres.map((c) => (
          <tr key={c.centreId} data-testid="centre-row" data-centre={c.centreId}>
            <th scope="row">{c.name}</th>
            <td data-field="stat">{c.queue.stat}</td>
            <td data-field="urgent">{c.queue.urgent}</td>
            <td data-field="routine">{c.queue.routine}</td>
            <td data-field="overdue">{c.queue.overdue}</td>
            <td data-field="requested">{c.requested}</td>
            <td data-field="signed">{c.signed}</td>
            <td data-field="turnaround">
              {formatMinutes(c.turnaroundMinutes.p50)} / {formatMinutes(c.turnaroundMinutes.p90)}
            </td>
            <td data-field="slaCompliance">{formatShare(c.slaCompliance)}</td>
            <td data-field="breached">{c.breached}</td>
            <td data-field="returned">{c.returned}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ClinicTable({ clinics }: { clinics: ClinicOversightRow[] }) {
  const { t } = useTranslation();
  return (
    <table className="figures" data-testid="clinic-table">
      <thead>
        <tr>
          <th>{t('oversight.institution')}</th>
          <th>{t('oversight.studies')}</th>
          <th>{t('oversight.requests')}</th>
          <th>{t('oversight.signedReports')}</th>
          <th>{t('oversight.lookups')}</th>
          <th>{t('oversight.decisions')}</th>
          <th>{t('oversight.recognised')}</th>
          <th>{t('oversight.recognitionRate')}</th>
        </tr>
      </thead>
      <tbody>
        {clinics.map((c) => (
          <tr key={c.institutionId} data-testid="clinic-row" data-institution={c.institutionId}>
            <th scope="row">{c.name}</th>
            <td data-field="studies">{c.studies}</td>
            <td data-field="requests">{c.requests}</td>
            <td data-field="signedReports">{c.signedReports}</td>
            <td data-field="lookups">{c.lookups}</td>
            <td data-field="decisions">{c.decisions}</td>
            <td data-field="recognised">{c.recognised}</td>
            <td data-field="recognitionRate">{formatShare(c.recognitionRate)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The per-item figures of GET /api/recognition/stats over the months the period touches. */
export function RecognitionItemsTable({ stats }: { stats: RecognitionStats }) {
  const { t } = useTranslation();
  const byItem = new Map<string, { decisions: number; recognised: number; saving: number }>();
  for (const r of stats.rows) {
    const item = byItem.get(r.itemCode) ?? { decisions: 0, recognised: 0, saving: 0 };
    item.decisions += r.decisions;
    item.recognised += r.recognised;
    item.saving += r.estimatedSavingYuan;
    byItem.set(r.itemCode, item);
  }
  return (
    <table className="figures" data-testid="recognition-items">
      <caption>{t('oversight.byItem', { from: stats.from, to: stats.to })}</caption>
      <thead>
        <tr>
          <th>{t('oversight.item')}</th>
          <th>{t('oversight.decisions')}</th>
          <th>{t('oversight.recognised')}</th>
          <th>{t('oversight.recognitionRate')}</th>
          <th>{t('oversight.saving')}</th>
        </tr>
      </thead>
      <tbody>
        {[...byItem].map(([code, v]) => (
          <tr key={code}>
            <th scope="row">{code}</th>
            <td>{v.decisions}</td>
            <td>{v.recognised}</td>
            <td>{formatShare(v.decisions === 0 ? null : v.recognised / v.decisions)}</td>
            <td>{v.saving.toFixed(2)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">{t('oversight.total')}</th>
          <td>{stats.totals.decisions}</td>
          <td>{stats.totals.recognised}</td>
          <td>{formatShare(stats.totals.decisions === 0 ? null : stats.totals.recognitionRate)}</td>
          <td>{stats.totals.estimatedSavingYuan.toFixed(2)}</td>
        </tr>
      </tfoot>
    </table>
  );
}
