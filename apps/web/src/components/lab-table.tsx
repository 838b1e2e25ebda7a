import { useTranslation } from 'react-i18next';
import type { AbnormalFlag, LabResult } from '../api/types';
import { formatTime } from '../format';

const isAbnormal = (flag: AbnormalFlag | null) => flag !== null && flag !== 'N';
const isCritical = (flag: AbnormalFlag | null) => flag === 'HH' || flag === 'LL' || flag === 'AA';

/** A study's lab values: item, value, unit, reference range; abnormal ones flagged (critical ones more loudly). */
export function LabTable({ results }: { results: LabResult[] }) {
  const { t } = useTranslation();
  if (results.length === 0) return <p className="muted">{t('studies.lab.none')}</p>;
  return (
    <table className="lab-table" data-testid="lab-table">
      <thead>
        <tr>
          <th>{t('studies.lab.item')}</th>
          <th>{t('studies.lab.value')}</th>
          <th>{t('studies.lab.unit')}</th>
          <th>{t('studies.lab.range')}</th>
          <th>{t('studies.lab.flag')}</th>
          <th>{t('studies.lab.observedAt')}</th>
        </tr>
      </thead>
      <tbody>
        {results.map((r, i) => (
          <tr
            key={`${r.itemCode}-${i}`}
            data-testid="lab-row"
            data-flag={r.abnormalFlag ?? ''}
            className={isCritical(r.abnormalFlag) ? 'lab-critical' : isAbnormal(r.abnormalFlag) ? 'lab-abnormal' : ''}
          >
            <td>
              {r.itemName} <span className="muted">{r.itemCode}</span>
            </td>
            <td className="lab-value">{r.value}</td>
            <td>{r.unit ?? ''}</td>
            <td>{r.referenceRange ?? ''}</td>
            <td>{r.abnormalFlag && <span className="lab-flag">{t(`studies.lab.flags.${r.abnormalFlag}`)}</span>}</td>
            <td>{r.observedAt ? formatTime(r.observedAt) : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
