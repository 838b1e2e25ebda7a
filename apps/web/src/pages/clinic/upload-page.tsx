import { type DragEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { type StowFailure, stowFailures, stowStored } from '../../api/dicom-json';
import { ApiError } from '../../api/http';
import { catalogueItems } from '../../api/recognition';
import { ErrorNote } from '../../components/layout';
import { errorMessage } from '../../format';
import { useSession } from '../../session';
import { useLoaded } from '../../use-async';
import { batches, droppedFiles } from './dropped-files';
import { RequestForm } from './request-form';

interface Outcome {
  stored: number;
  failures: StowFailure[];
  studyUids: string[];
}

const studyUidOf = (retrieveUrl: string | null) => /\/studies\/([0-9.]+)/.exec(retrieveUrl ?? '')?.[1] ?? null;

/** A clinic sends DICOM files or folders (STOW-RS, in batches, with progress), then asks for readings of them. */
export function UploadPage() {
  const { t } = useTranslation();
  const { api } = useSession();
  const navigate = useNavigate();
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<{ sent: number; total: number } | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  // What a DICOM study can be requested as (no lab panels: those are not DICOM), once for every study of the upload.
  const examItems = useLoaded(
    () => catalogueItems(api).then((all) => all.filter((i) => i.discipline !== 'lab')),
    [api],
  );

  const onDrop = async (event: DragEvent) => {
    event.preventDefault();
    setFiles(await droppedFiles(event.dataTransfer.items));
  };

  const send = async () => {
    const total = files.reduce((n, f) => n + f.size, 0);
    const result: Outcome = { stored: 0, failures: [], studyUids: [] };
    let done = 0;
    setError(null);
    setOutcome(null);
    setProgress({ sent: 0, total });
    try {
      for (const batch of batches(files)) {
        try {
          const answer = await api.uploadStow(batch, (sent) => setProgress({ sent: done + sent, total }));
          const stored = stowStored(answer);
          result.stored += stored.length;
          result.failures.push(...stowFailures(answer));
          for (const uid of stored.map((s) => studyUidOf(s.retrieveUrl))) {
            if (uid && !result.studyUids.includes(uid)) result.studyUids.push(uid);
          }
        } catch (err) {
          // 409: nothing of this batch was stored; the hub says why per file.
          if (!(err instanceof ApiError) || !err.failures) throw err;
          result.failures.push(...err.failures);
        }
        done += batch.reduce((n, f) => n + f.size, 0);
        setProgress({ sent: done, total });
      }
      setOutcome(result);
      setFiles([]);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setProgress(null);
    }
  };

  return (
    <section>
      <h1>{t('upload.heading')}</h1>
      <p className="muted">
        <Link to="/clinic/upload/studies">{t('studyUpload.link')}</Link>
      </p>
      <div
        className="dropzone"
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => void onDrop(e)}
        data-testid="dropzone"
      >
        <p>{t('upload.hint')}</p>
        <label className="button">
          {t('upload.chooseFiles')}
          <input type="file" multiple hidden name="files" onChange={(e) => setFiles([...(e.target.files ?? [])])} />
        </label>
        <label className="button">
          {t('upload.chooseFolder')}
          <input
            type="file"
            hidden
            name="folder"
            // Non-standard but supported by every browser the clinics use.
            {...{ webkitdirectory: '' }}
            onChange={(e) => setFiles([...(e.target.files ?? [])])}
          />
        </label>
      </div>
      {files.length > 0 && !progress && (
        <button type="button" onClick={() => void send()}>
          {t('upload.send', { count: files.length })}
        </button>
      )}
      {progress && (
        <div className="progress">
          <progress max={progress.total} value={progress.sent} aria-label={t('upload.sending')} />
          <span>{t('upload.progress', { sent: formatMb(progress.sent), total: formatMb(progress.total) })}</span>
        </div>
      )}
      <ErrorNote error={error} />
      {outcome && (
        <div className="card" data-testid="upload-outcome">
          <p className="ok">{t('upload.stored', { count: outcome.stored })}</p>
          {outcome.failures.length > 0 && (
            <>
              <p className="error">{t('upload.failed', { count: outcome.failures.length })}</p>
              <ul>
                {outcome.failures.map((f, i) => (
                  <li key={i}>
                    {t('upload.failure', { uid: f.sopInstanceUid ?? '?', message: f.message ?? f.reason })}
                  </li>
                ))}
              </ul>
            </>
          )}
          {outcome.studyUids.length > 0 && <h2>{t('upload.studies')}</h2>}
          {outcome.studyUids.map((uid) => (
            <div key={uid} className="study-row">
              <code>{uid}</code>
              <RequestForm
                studyInstanceUid={uid}
                examItems={examItems}
                onCreated={(r) => navigate(`/clinic/requests/${r.id}`)}
              />
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

const formatMb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
