import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  centresOversight,
  type CentresOversight,
  clinicsOversight,
  type ClinicsOversight,
  dailyOversight,
  type DailyOversight,
  type OversightPeriod,
  type RecognitionStats,
  recognitionStats,
} from '../../api/oversight';
import { ErrorNote } from '../../components/layout';
import { errorMessage, formatTime } from '../../format';
import { useSession } from '../../session';
import { dailyOption, queueOption, recognitionOption, turnaroundOption, volumesOption } from './chart-options';
import { EChart } from './echart';
import { CentreTable, ClinicTable, RecognitionItemsTable } from './oversight-tables';
import { lastDays, PeriodPicker } from './period-picker';

interface Figures {
  centres: CentresOversight;
  clinics: ClinicsOversight;
  daily: DailyOversight;
  recognition: RecognitionStats;
}

/** Queue depth, turnaround and SLA compliance per centre, volumes per clinic and the recognition rate, for a period. */
export function OversightPage() {
  const { t, i18n } = useTranslation();
  const { api } = useSession();
  const [period, setPeriod] = useState<OversightPeriod>(() => lastDays(30));
  const [figures, setFigures] = useState<Figures | null>(null);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);

  useEffect(() => {
    // Only the latest period's answer is shown: an earlier one that comes late must not replace it.
    const load = ++latest.current;
    setError(null);
    const months = { from: period.from.slice(0, 7), to: period.to.slice(0, 7) };
    Promise.all([
      centresOversight(api, period),
      clinicsOversight(api, period),
      dailyOversight(api, period),
      recognitionStats(api, months),
    ]).then(
      ([centres, clinics, daily, recognition]) => {
        if (load === latest.current) setFigures({ centres, clinics, daily, recognition });
      },
      (err: unknown) => {
        if (load === latest.current) setError(errorMessage(err));
      },
    );
  }, [api, period]);

  // Options depend on the language too (series names), so a switch redraws the charts.
  const options = useMemo(
    () =>
      figures && {
        queue: queueOption(figures.centres.centres, t),
        turnaround: turnaroundOption(figures.centres.centres, t),
        volumes: volumesOption(figures.clinics.clinics, t),
        recognition: recognitionOption(figures.clinics.clinics, t),
        daily: dailyOption(figures.daily.days, t),
      },
    [figures, t, i18n.language],
  );

  return (
    <section className="oversight">
      <h1>{t('oversight.heading')}</h1>
      <PeriodPicker value={period} onChange={setPeriod} />
      <ErrorNote error={error} />
      {!figures || !options ? (
        !error && <p>{t('common.loading')}</p>
      ) : (
        <>
          <p className="muted" data-testid="period">
            {t('oversight.shown', {
              from: figures.centres.from,
              to: figures.centres.to,
              at: formatTime(figures.centres.generatedAt),
            })}
          </p>
          <Section
            title={t('oversight.centresHeading')}
            charts={[
              <EChart key="queue" option={options.queue} label={t('oversight.queueHeading')} />,
              <EChart key="turnaround" option={options.turnaround} label={t('oversight.turnaroundHeading')} />,
            ]}
            captions={[t('oversight.queueHeading'), t('oversight.turnaroundHeading')]}
          >
            <CentreTable centres={figures.centres.centres} />
            <p className="muted">{t('oversight.turnaroundNote')}</p>
          </Section>
          <Section
            title={t('oversight.clinicsHeading')}
            charts={[
              <EChart key="volumes" option={options.volumes} label={t('oversight.volumesHeading')} />,
              <EChart key="recognition" option={options.recognition} label={t('oversight.recognitionHeading')} />,
            ]}
            captions={[t('oversight.volumesHeading'), t('oversight.recognitionHeading')]}
          >
            <ClinicTable clinics={figures.clinics.clinics} />
          </Section>
          <Section
            title={t('oversight.trendHeading')}
            charts={[<EChart key="daily" option={options.daily} label={t('oversight.dailyHeading')} />]}
            captions={[t('oversight.dailyHeading')]}
          >
            <RecognitionItemsTable stats={figures.recognition} />
          </Section>
        </>
      )}
    </section>
  );
}

/** Charts side by side, each with its caption, and the table of their numbers right under them. */
function Section({
  title,
  charts,
  captions,
  children,
}: {
  title: string;
  charts: ReactNode[];
  captions: string[];
  children: ReactNode;
}) {
  return (
    <div className="card ov-section">
      <h2>{title}</h2>
      <div className={charts.length > 1 ? 'ov-charts' : 'ov-charts ov-single'}>
        {charts.map((chart, i) => (
          <figure key={captions[i]}>
            <figcaption>{captions[i]}</figcaption>
            {chart}
          </figure>
        ))}
        {charts.length === 1 && <div className="ov-side">{children}</div>}
      </div>
      {charts.length > 1 && children}
    </div>
  );
}
