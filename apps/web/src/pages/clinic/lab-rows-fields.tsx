import { ABNORMAL_FLAGS, type AbnormalFlag } from '@hub/contracts';
import { useTranslation } from 'react-i18next';
import type { NewLabResult } from '../../api/studies';

export interface LabRowDraft {
  itemCode: string;
  itemName: string;
  value: string;
  unit: string;
  referenceRange: string;
  abnormalFlag: '' | AbnormalFlag;
}

export const emptyLabRow = (): LabRowDraft => ({
  itemCode: '',
  itemName: '',
  value: '',
  unit: '',
  referenceRange: '',
  abnormalFlag: '',
});

const TEXT_COLUMNS = ['itemCode', 'itemName', 'value', 'unit', 'referenceRange'] as const;

/** The rows the hub takes as labResults; rows left wholly empty are dropped, half-filled ones the hub explains. */
export function toLabResults(rows: LabRowDraft[]): NewLabResult[] {
  return rows
    .filter((r) => TEXT_COLUMNS.some((c) => r[c].trim() !== ''))
    .map((r) => {
      const out: NewLabResult = { itemCode: r.itemCode.trim(), itemName: r.itemName.trim(), value: r.value.trim() };
      if (r.unit.trim()) out.unit = r.unit.trim();
      if (r.referenceRange.trim()) out.referenceRange = r.referenceRange.trim();
      if (r.abnormalFlag) out.abnormalFlag = r.abnormalFlag;
      return out;
    });
}

/** A small table to type lab values into: item, value, unit, reference range and the HL7 abnormal flag. */
export function LabRowsFields({ rows, onChange }: { rows: LabRowDraft[]; onChange: (rows: LabRowDraft[]) => void }) {
  const { t } = useTranslation();
  const set = (i: number, patch: Partial<LabRowDraft>) =>
    onChange(rows.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  return (
    <table className="lab-rows">
      <thead>
        <tr>
          {TEXT_COLUMNS.map((c) => (
            <th key={c}>{t(`studyUpload.lab.${c}`)}</th>
          ))}
          <th>{t('studies.lab.flag')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            {TEXT_COLUMNS.map((c) => (
              <td key={c}>
                <input
                  aria-label={`${t(`studyUpload.lab.${c}`)} ${i + 1}`}
                  value={r[c]}
                  onChange={(e) => set(i, { [c]: e.target.value })}
                />
              </td>
            ))}
            <td>
              <select
                aria-label={`${t('studies.lab.flag')} ${i + 1}`}
                value={r.abnormalFlag}
                onChange={(e) => set(i, { abnormalFlag: e.target.value as LabRowDraft['abnormalFlag'] })}
              >
                <option value="">—</option>
                {ABNORMAL_FLAGS.map((f) => (
                  <option key={f} value={f}>
                    {t(`studies.lab.flags.${f}`)}
                  </option>
                ))}
              </select>
            </td>
            <td>
              <button type="button" className="link" onClick={() => onChange(rows.filter((_, k) => k !== i))}>
                {t('studyUpload.lab.remove')}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <td colSpan={TEXT_COLUMNS.length + 2}>
            <button type="button" className="secondary" onClick={() => onChange([...rows, emptyLabRow()])}>
              {t('studyUpload.lab.add')}
            </button>
          </td>
        </tr>
      </tfoot>
    </table>
  );
}
