import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { reportPdf } from '../api/endpoints';
import type { Report } from '../api/types';
import { openBlob, saveBlob } from '../blob-links';
import { errorMessage, formatTime } from '../format';
import { useSession } from '../session';
import { ErrorNote } from './layout';

/** A signed report as the clinic reads it: findings, impression, signer, the HR mark; printable as the hub's PDF. */
export function ReportView({ report }: { report: Report }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const [error, setError] = useState<string | null>(null);

  const withPdf = (use: (pdf: Blob) => void) => async () => {
    try {
      use(await reportPdf(api, report.id));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const print = withPdf(openBlob);
  const download = withPdf((pdf) => saveBlob(pdf, `report-${report.id}.pdf`));

  return (
    <article className="card report" data-testid="report">
      <header className="report-head">
        <h2>{t('report.heading')}</h2>
        {report.marks.map((m) => (
          <span key={m.label} className="hr-mark" title={t('report.hr')}>
            {m.label}
            {m.validUntil && ` · ${t('report.validUntil', { date: m.validUntil.slice(0, 10) })}`}
          </span>
        ))}
      </header>
      <p className="muted">
        {report.centre.institutionName} · {report.centre.name} · {report.patient.name ?? report.patient.localId}
      </p>
      <h3>{t('report.findings')}</h3>
      <p className="prose">{report.findings}</p>
      <h3>{t('report.impression')}</h3>
      <p className="prose" data-testid="impression">
        {report.impression}
      </p>
      <dl className="facts">
        <dt>{t('report.signedBy')}</dt>
        <dd>{report.signedBy?.displayName ?? '—'}</dd>
        <dt>{t('report.signedAt')}</dt>
        <dd>{formatTime(report.signedAt)}</dd>
        <dt>{t('report.hash')}</dt>
        <dd>{report.hashVerified === false ? t('report.hashBad') : t('report.hashOk')}</dd>
      </dl>
      {report.status === 'signed' && (
        <div className="toolbar">
          <button type="button" onClick={() => void print()}>
            {t('report.print')}
          </button>
          <button type="button" className="secondary" onClick={() => void download()}>
            {t('studies.downloadPdf')}
          </button>
        </div>
      )}
      <ErrorNote error={error} />
    </article>
  );
}
