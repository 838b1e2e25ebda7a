import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import type { Study } from '../api/types';
import { LazyStudyViewer } from './lazy-viewer';
import './study-pane.css';

/** The images of a hub study beside a report, when it is an imaging (DICOM) study; nothing for ECG, lab, pathology. */
export function StudyPane({ study }: { study: Study }) {
  const { t } = useTranslation();
  if (study.discipline !== 'imaging' || !study.studyInstanceUid) return null;
  return (
    <div className="card study-pane">
      <Suspense fallback={<p>{t('common.loading')}</p>}>
        <LazyStudyViewer studyInstanceUid={study.studyInstanceUid} />
      </Suspense>
    </div>
  );
}
