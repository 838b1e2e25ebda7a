import { useTranslation } from 'react-i18next';
import type { Study } from '../api/types';
import { loadEcgWaveform } from '../ecg/load-ecg';
import { useSession } from '../session';
import { useLoaded } from '../use-async';
import { EcgView } from './ecg-view';
import { LabTable } from './lab-table';
import { ErrorNote } from './layout';
import { StudyFiles } from './study-files';

/**
 * What the reader reads for a non-image study: the ECG waveform, the lab values, the uploaded files. Imaging studies
 * are left to the image viewer (nothing is drawn for them here).
 */
export function StudyPanel({ study }: { study: Study }) {
  const { t } = useTranslation();
  if (study.discipline === 'imaging') return null;
  return (
    <section className="card study-panel" data-testid="study-panel">
      <h2>
        {t(`studies.disciplines.${study.discipline}`)}
        {study.examCode && <span className="muted"> · {study.examCode}</span>}
        {study.description && <span className="muted"> · {study.description}</span>}
      </h2>
      {study.discipline === 'ecg' && <EcgStudy study={study} />}
      {study.discipline === 'lab' && <LabTable results={study.labResults} />}
      <StudyFiles study={study} />
    </section>
  );
}

function EcgStudy({ study }: { study: Study }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const { value: waveform, error } = useLoaded(() => loadEcgWaveform(api, study), [api, study]);

  if (error) return <ErrorNote error={error} />;
  if (waveform === undefined) return <p className="muted">{t('studies.ecg.loading')}</p>;
  if (waveform === null) return <p className="muted">{t('studies.ecg.noWaveform')}</p>;
  return <EcgView waveform={waveform} />;
}
