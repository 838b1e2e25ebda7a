import { Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getStudy } from '../api/endpoints';
import type { Study } from '../api/types';
import { useSession } from '../session';
import { LazyStudyViewer } from './lazy-viewer';
import './study-pane.css';

/** The images of a hub study beside a report, when it is an imaging (DICOM) study; nothing for ECG, lab, pathology. */
export function StudyPane({ studyId }: { studyId: string }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const [study, setStudy] = useState<Study | null>(null);

  useEffect(() => {
    // Without the study (e.g. refused) the page still works: the report does not depend on it.
    getStudy(api, studyId).then(setStudy, () => setStudy(null));
  }, [api, studyId]);

  if (study?.discipline !== 'imaging' || !study.studyInstanceUid) return null;
  return (
    <div className="card study-pane">
      <Suspense fallback={<p>{t('common.loading')}</p>}>
        <LazyStudyViewer studyInstanceUid={study.studyInstanceUid} />
      </Suspense>
    </div>
  );
}
