import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { getStudy, getTask, heartbeat, release, saveDraft, sign, submit } from '../../api/endpoints';
import { ApiError } from '../../api/http';
import type { ReadingRequest } from '../../api/types';
import { PriorityBadge, StateBadge } from '../../components/badges';
import { ErrorNote } from '../../components/layout';
import { ReportView } from '../../components/report-view';
import { ReturnedNote } from '../../components/returned-note';
import { StudyPanel } from '../../components/study-panel';
import { errorMessage, formatTime } from '../../format';
import { useSession } from '../../session';
import { useLoaded } from '../../use-async';
import { StudyPane } from '../../viewer/study-pane';
import { leaseTokens } from './lease-tokens';
import { ReturnTaskForm } from './return-task-form';

const AUTOSAVE_DELAY_MS = 1500;
const HEARTBEAT_EVERY_MS = 60_000;

/** The report editor of a claimed task: autosaved drafts, the lease kept alive, submit or sign. */
export function TaskPage() {
  const { t } = useTranslation();
  const { api, me } = useSession();
  const { taskId = '' } = useParams();
  const [request, setRequest] = useState<ReadingRequest | null>(null);
  const [findings, setFindings] = useState('');
  const [impression, setImpression] = useState('');
  const [saved, setSaved] = useState<{ version: number } | null>(null);
  const [saving, setSaving] = useState(false);
  const [leaseLost, setLeaseLost] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const dirty = useRef(false);
  const token = leaseTokens.get(taskId);

  const fail = useCallback((err: unknown) => {
    if (err instanceof ApiError && err.status === 409) setLeaseLost(true);
    else setError(errorMessage(err));
  }, []);

  useEffect(() => {
    getTask(api, taskId).then((r) => {
      setRequest(r);
      setFindings(r.report?.findings ?? '');
      setImpression(r.report?.impression ?? '');
      if (r.report) setSaved({ version: r.report.version });
    }, fail);
  }, [api, taskId, fail]);

  // The study, loaded once for both its panel (ECG, lab, files) and its images. Without it (e.g. refused) the page
  // still works: the report does not depend on it.
  const studyId = request?.studyId;
  const { value: study, error: studyError } = useLoaded(
    async () => (studyId ? getStudy(api, studyId) : null),
    [api, studyId],
  );

  const save = useCallback(async () => {
    if (token === null || !dirty.current) return;
    dirty.current = false;
    setSaving(true);
    try {
      const r = await saveDraft(api, taskId, { fencingToken: token, findings, impression });
      setSaved(r.report ? { version: r.report.version } : null);
    } catch (err) {
      fail(err);
    } finally {
      setSaving(false);
    }
  }, [api, taskId, token, findings, impression, fail]);

  useEffect(() => {
    if (!dirty.current) return;
    const timer = setTimeout(() => void save(), AUTOSAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [findings, impression, save]);

  useEffect(() => {
    if (token === null) return;
    const timer = setInterval(() => heartbeat(api, taskId, token).catch(fail), HEARTBEAT_EVERY_MS);
    return () => clearInterval(timer);
  }, [api, taskId, token, fail]);

  const finish = async (action: 'submit' | 'sign') => {
    if (token === null) return;
    try {
      dirty.current = true;
      await save();
      if (action === 'sign') setRequest(await sign(api, taskId, token));
      else {
        await submit(api, taskId, token);
        setRequest(await getTask(api, taskId));
      }
      leaseTokens.forget(taskId);
    } catch (err) {
      fail(err);
    }
  };

  const handedBack = async () => {
    leaseTokens.forget(taskId);
    setRequest(await getTask(api, taskId));
  };

  const giveBack = async () => {
    if (token === null) return;
    await release(api, taskId, token).catch(fail);
    await handedBack();
  };

  if (!request) return error ? <ErrorNote error={error} /> : <p>{t('common.loading')}</p>;
  const { task, report } = request;
  const editable = token !== null && !leaseLost && ['claimed', 'drafted', 'reviewing'].includes(task.state);
  const senior = me?.roles.includes('senior_reader') ?? false;
  const edit = (setter: (v: string) => void) => (value: string) => {
    dirty.current = true;
    setter(value);
  };

  return (
    <section className="task-page">
      <h1>{t('task.heading')}</h1>
      <div className="card">
        <PriorityBadge priority={task.priority} referral={task.referral} />{' '}
        <StateBadge state={task.state} sla={task.sla} />
        <span className="muted"> {t('task.lease', { time: formatTime(task.leaseExpiresAt) })}</span>
        {request.clinicalNotes && <p>{request.clinicalNotes}</p>}
        <ReturnedNote task={task} />
      </div>
      {study ? <StudyPanel study={study} /> : <ErrorNote error={studyError} />}
      {leaseLost && <p className="error">{t('task.leaseLost')}</p>}
      {study && <StudyPane study={study} />}
      {task.state === 'signed' && report ? (
        <>
          <p className="ok">{t('task.signed')}</p>
          <ReportView report={report} />
        </>
      ) : (
        <div className="card editor">
          <label>
            {t('report.findings')}
            <textarea
              name="findings"
              rows={8}
              value={findings}
              disabled={!editable}
              onChange={(e) => edit(setFindings)(e.target.value)}
            />
          </label>
          <label>
            {t('report.impression')}
            <textarea
              name="impression"
              rows={4}
              value={impression}
              disabled={!editable}
              onChange={(e) => edit(setImpression)(e.target.value)}
            />
          </label>
          <p className="muted" data-testid="autosave">
            {saving ? t('task.saving') : saved ? t('task.saved', { version: saved.version }) : ''}
          </p>
          <div className="toolbar">
            {senior ? (
              <button
                type="button"
                disabled={!editable || !findings || !impression}
                onClick={() => void finish('sign')}
              >
                {t('task.sign')}
              </button>
            ) : (
              <button
                type="button"
                disabled={!editable || !findings || !impression}
                onClick={() => void finish('submit')}
              >
                {t('task.submit')}
              </button>
            )}
            <button type="button" className="secondary" disabled={!editable} onClick={() => void giveBack()}>
              {t('task.release')}
            </button>
          </div>
          {editable && token !== null && (
            <ReturnTaskForm taskId={taskId} fencingToken={token} onReturned={() => void handedBack()} />
          )}
        </div>
      )}
      <Link to="/reader/worklist">{t('common.back')}</Link>
      <ErrorNote error={error} />
    </section>
  );
}
