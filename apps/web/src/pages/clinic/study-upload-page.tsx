import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ApiError } from '../../api/http';
import { sendResumable } from '../../api/resumable-upload';
import { fileStudy, uploadStudy } from '../../api/studies';
import type { Study } from '../../api/types';
import { LabTable } from '../../components/lab-table';
import { ErrorNote } from '../../components/layout';
import { StudyFiles } from '../../components/study-files';
import { errorMessage } from '../../format';
import { useSession } from '../../session';
import { emptyLabRow, type LabRowDraft, LabRowsFields, toLabResults } from './lab-rows-fields';
import { RequestForm } from './request-form';
import { emptyDraft, type StudyDraft, StudyMetaFields, toNewStudy } from './study-meta-fields';

interface Progress {
  sent: number;
  total: number;
  resumed: boolean;
}

/**
 * ECG tracings and pathology slides go through the hub's resumable uploads (tus), then are filed as a study; lab
 * results are typed into a table or sent as an HL7 v2 ORU^R01 file. Then the clinic asks for a reading.
 */
export function StudyUploadPage() {
  const { t } = useTranslation();
  const { api, me } = useSession();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<StudyDraft>(emptyDraft('ecg'));
  const [files, setFiles] = useState<File[]>([]);
  const [labRows, setLabRows] = useState<LabRowDraft[]>([emptyLabRow()]);
  /** Files already on the hub, with their upload ids, so a retry after a refused filing sends nothing again. */
  const [uploaded, setUploaded] = useState<Map<File, string>>(new Map());
  const [progress, setProgress] = useState<Progress | null>(null);
  const [busy, setBusy] = useState(false);
  const [interrupted, setInterrupted] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [filed, setFiled] = useState<Study | null>(null);
  const lab = draft.discipline === 'lab';
  // Leaving the page stops an upload in progress (the hub keeps what it has: coming back resumes it).
  const uploading = useRef<AbortController | null>(null);
  useEffect(() => () => uploading.current?.abort(), []);

  const sendFiles = async (): Promise<string[]> => {
    const total = files.reduce((n, f) => n + f.size, 0);
    const done = new Map(uploaded);
    let before = files.filter((f) => done.has(f)).reduce((n, f) => n + f.size, 0);
    let resumed = false;
    setProgress({ sent: before, total, resumed });
    uploading.current?.abort();
    const { signal } = (uploading.current = new AbortController());
    for (const file of files.filter((f) => !done.has(f))) {
      const onProgress = (sent: number) => setProgress({ sent: before + sent, total, resumed });
      const result = await sendResumable(api, me?.id ?? '', file, onProgress, signal);
      resumed ||= result.resumed;
      done.set(file, result.uploadId);
      setUploaded(new Map(done));
      before += file.size;
      setProgress({ sent: before, total, resumed });
    }
    return files.map((f) => done.get(f)!);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setInterrupted(false);
    try {
      const study = toNewStudy(draft);
      setFiled(
        lab
          ? await uploadStudy(api, { ...study, labResults: toLabResults(labRows) }, files)
          : await fileStudy(api, { ...study, resumableUploads: await sendFiles() }),
      );
    } catch (err) {
      // Status 0: the connection dropped for longer than the automatic retries; the same files resume from the hub's offset.
      setInterrupted(err instanceof ApiError && err.status === 0 && !lab);
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const chooseFiles = (list: FileList | null) => {
    setFiles([...(list ?? [])]);
    setUploaded(new Map());
    setProgress(null);
  };

  if (filed) {
    return (
      <section>
        <h1>{t('studyUpload.heading')}</h1>
        <div className="card" data-testid="filed-study" data-study-id={filed.id}>
          <p className="ok">{t('studyUpload.filed', { discipline: t(`studies.disciplines.${filed.discipline}`) })}</p>
          {progress && <UploadProgress progress={progress} />}
          {filed.discipline === 'lab' && <LabTable results={filed.labResults} />}
          <StudyFiles study={filed} />
          <RequestForm studyId={filed.id} onCreated={(r) => navigate(`/clinic/requests/${r.id}`)} />
        </div>
      </section>
    );
  }

  return (
    <section>
      <h1>{t('studyUpload.heading')}</h1>
      <p className="muted">
        {t('studyUpload.hint')} <Link to="/clinic/upload">{t('studyUpload.dicomLink')}</Link>
      </p>
      <form className="card study-upload" onSubmit={(e) => void submit(e)} aria-label={t('studyUpload.heading')}>
        <StudyMetaFields draft={draft} onChange={setDraft} />
        {lab && <LabRowsFields rows={labRows} onChange={setLabRows} />}
        <label>
          {lab ? t('studyUpload.hl7File') : t('studyUpload.files')}
          <input
            type="file"
            name="studyFiles"
            multiple={!lab}
            accept={lab ? '.hl7,.txt,.json,.pdf' : undefined}
            onChange={(e) => chooseFiles(e.target.files)}
          />
        </label>
        {progress && <UploadProgress progress={progress} />}
        <div className="toolbar">
          <button type="submit" disabled={busy || (!lab && files.length === 0)}>
            {interrupted ? t('studyUpload.resume') : lab ? t('studyUpload.sendLab') : t('studyUpload.send')}
          </button>
        </div>
        {interrupted ? (
          <p className="error" role="alert">
            {t('studyUpload.interrupted')}
          </p>
        ) : (
          <ErrorNote error={error} />
        )}
      </form>
    </section>
  );
}

function UploadProgress({ progress }: { progress: Progress }) {
  const { t } = useTranslation();
  return (
    <div className="progress" data-testid="upload-progress">
      <progress max={progress.total} value={progress.sent} aria-label={t('upload.sending')} />
      <span>{Math.floor((progress.sent / Math.max(progress.total, 1)) * 100)}%</span>
      {progress.resumed && <span className="muted">{t('studyUpload.resumed')}</span>}
    </div>
  );
}
