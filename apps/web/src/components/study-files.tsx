import { useTranslation } from 'react-i18next';
import { studyFile } from '../api/endpoints';
import type { Study } from '../api/types';
import { openBlob, saveBlob } from '../blob-links';
import { useSession } from '../session';
import { useAction } from '../use-async';
import { ErrorNote } from './layout';

const formatSize = (bytes: number) =>
  bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The files of an uploaded study (PDF tracings, slides, HL7 files), each to open or download with the session's token. */
export function StudyFiles({ study }: { study: Study }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const { error, run } = useAction();
  if (study.files.length === 0) return null;

  const fetchThen = (fileId: string, use: (blob: Blob) => void) => () =>
    run(async () => use(await studyFile(api, study.id, fileId)));

  return (
    <div className="study-files">
      <h3>{t('studies.files')}</h3>
      <ul>
        {study.files.map((f) => (
          <li key={f.id} data-testid="study-file">
            <span>{f.fileName}</span> <span className="muted">{formatSize(f.size)}</span>{' '}
            <code className="muted" title={t('studies.sha256')}>
              {f.sha256.slice(0, 12)}
            </code>{' '}
            <button type="button" className="link" onClick={() => void fetchThen(f.id, openBlob)()}>
              {t('studies.open')}
            </button>
            <button
              type="button"
              className="link"
              onClick={() => void fetchThen(f.id, (b) => saveBlob(b, f.fileName))()}
            >
              {t('studies.download')}
            </button>
          </li>
        ))}
      </ul>
      <ErrorNote error={error} />
    </div>
  );
}
