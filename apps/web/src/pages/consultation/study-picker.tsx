import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getRequest, getStudy, listRequests } from '../../api/endpoints';
import { getPatient, type Patient } from '../../api/patients';
import type { Study, Task } from '../../api/types';
import { ErrorNote } from '../../components/layout';
import { errorMessage, formatTime } from '../../format';
import { useSession } from '../../session';
import { useLoaded } from '../../use-async';

export interface PickedStudies {
  /** The patient of the studies picked first; null while none is picked. */
  patientId: string | null;
  studyIds: string[];
  /** Studies of more than one patient are picked: a consultation is about one patient. */
  mixed: boolean;
}

interface Loaded {
  study: Study;
}

/**
 * The clinic's studies to attach, found through its reading requests (the hub lists a clinic's studies nowhere else
 * with their hub ids): tick one or more; the first one ticked names the patient.
 */
export function StudyPicker(props: { initialRequestId?: string; onChange: (picked: PickedStudies) => void }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const { onChange } = props;
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [picked, setPicked] = useState<string[]>(props.initialRequestId ? [props.initialRequestId] : []);
  const [loaded, setLoaded] = useState<Record<string, Loaded>>({});
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    listRequests(api, { limit: 100 }).then(
      (page) => setTasks(page.items),
      (err: unknown) => setError(errorMessage(err)),
    );
  }, [api]);

  // Each ticked request's study, loaded once.
  useEffect(() => {
    for (const requestId of picked) {
      if (loaded[requestId]) continue;
      getRequest(api, requestId)
        .then((request) => getStudy(api, request.studyId))
        .then(
          (study) => setLoaded((before) => ({ ...before, [requestId]: { study } })),
          (err: unknown) => setError(errorMessage(err)),
        );
    }
  }, [api, picked, loaded]);

  const studies = picked.flatMap((requestId) => (loaded[requestId] ? [loaded[requestId].study] : []));
  const patientId = studies[0]?.patientId ?? null;
  const mixed = studies.some((s) => s.patientId !== patientId);
  const studyIds = [...new Set(studies.map((s) => s.id))];
  const key = `${patientId}|${mixed}|${studyIds.join(',')}`;

  // `key` stands for patientId, studyIds and mixed: tell the form only when the pick really changed.
  useEffect(() => {
    onChange({ patientId, studyIds, mixed });
  }, [key, onChange]);

  const { value: patient } = useLoaded(
    async (): Promise<Patient | null> => (patientId ? getPatient(api, patientId) : null),
    [api, patientId],
  );

  const toggle = (requestId: string, on: boolean) =>
    setPicked((before) => (on ? [...before, requestId] : before.filter((id) => id !== requestId)));

  return (
    <fieldset className="study-picker">
      <legend>{t('consult.new.studies')}</legend>
      <ErrorNote error={error} />
      {patientId && (
        <p data-testid="picked-patient">
          {t('consult.new.patient')}：<strong>{patient ? patient.name : patientId}</strong>
          {patient?.birthDate && <span className="muted"> · {patient.birthDate}</span>}
        </p>
      )}
      {mixed && <p className="error">{t('consult.new.mixedPatients')}</p>}
      {tasks === null ? (
        <p>{t('common.loading')}</p>
      ) : tasks.length === 0 ? (
        <p className="muted">{t('consult.new.noStudies')}</p>
      ) : (
        <ul className="pick-list">
          {tasks.map((task) => {
            const study = loaded[task.requestId]?.study;
            return (
              <li key={task.id}>
                <label className="inline">
                  <input
                    type="checkbox"
                    data-testid="pick-study"
                    checked={picked.includes(task.requestId)}
                    onChange={(e) => toggle(task.requestId, e.target.checked)}
                  />
                  {formatTime(task.queuedAt)} · {t(`consult.disciplines.${task.discipline}`)} ·{' '}
                  {t(`state.${task.state}`)}
                  {study && (
                    <span className="muted">
                      {' '}
                      · {study.description ?? study.examCode ?? ''} {study.studyDate ?? ''}
                    </span>
                  )}
                </label>
              </li>
            );
          })}
        </ul>
      )}
    </fieldset>
  );
}
