import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { getStudy } from '../api/endpoints';
import { useSession } from '../session';
import { useLoaded } from '../use-async';
import { LazyStudyViewer } from './lazy-viewer';
import './study-pane.css';

/** The images of a hub study beside a report, when it is an imaging (DICOM) study; nothing for ECG, lab, pathology. */
export function StudyPane({ studyId }: { studyId: string }) {
  const { t } = useTranslation();
  const { api } = useSession();
  // Without the study (e.g. refused) the page still works: the report does not depend on it.
  const { value: study } = useLoaded(() => getStudy(api, studyId), [api, studyId]);

  if (study?.discipline !== 'imaging' || !study.studyInstanceUid) return null;
  return (
    <div className="card study-pane">
      <Suspense fallback={<p>{t('common.loading')}</p>}>
        <LazyStudyViewer studyInstanceUid={study.studyInstanceUid} />
      </Suspense>
    </div>
  );
}
