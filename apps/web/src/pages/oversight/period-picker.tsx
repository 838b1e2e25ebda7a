import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OversightPeriod } from '../../api/oversight';

const DAY_MS = 86_400_000;
const CHINA_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The last `days` China calendar days, today included (the hub counts in China days too). */
export function lastDays(days: number, now = new Date()): OversightPeriod {
  return { from: CHINA_DAY.format(new Date(now.getTime() - (days - 1) * DAY_MS)), to: CHINA_DAY.format(now) };
}

const QUICK = [7, 30, 90, 365];

/** From and to (China days, both included), or one of the usual spans; the hub checks the window again. */
export function PeriodPicker({ value, onChange }: { value: OversightPeriod; onChange: (p: OversightPeriod) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(value);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange(draft);
  };
  const pick = (days: number) => {
    const period = lastDays(days);
    setDraft(period);
    onChange(period);
  };
  return (
    <form className="toolbar period" onSubmit={submit} aria-label={t('oversight.period')}>
      {(['from', 'to'] as const).map((end) => (
        <label key={end}>
          {t(`oversight.${end}`)}
          <input
            type="date"
            name={end}
            required
            value={draft[end]}
            onChange={(e) => setDraft({ ...draft, [end]: e.target.value })}
          />
        </label>
      ))}
      <button type="submit">{t('oversight.apply')}</button>
      {QUICK.map((days) => (
        <button key={days} type="button" className="secondary" onClick={() => pick(days)}>
          {t('oversight.lastDays', { count: days })}
        </button>
      ))}
    </form>
  );
}
