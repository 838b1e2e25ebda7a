import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { centresHostedBy, claimNext, getQueue } from '../../api/endpoints';
import type { Centre, QueueItem } from '../../api/types';
import { LiveBadge, PriorityBadge, StateBadge } from '../../components/badges';
import { ErrorNote } from '../../components/layout';
import { errorMessage, formatTime } from '../../format';
import { useSession } from '../../session';
import { useHubEvents } from '../../use-events';
import { leaseTokens } from './lease-tokens';

const LAST_CENTRE_KEY = 'hub.worklist.centre';

/** A centre's queue in the hub's order (STAT, urgent, routine; referrals first; earliest due), live; claim next. */
export function WorklistPage() {
  const { t } = useTranslation();
  const { api, me } = useSession();
  const navigate = useNavigate();
  const [centres, setCentres] = useState<Centre[]>([]);
  const [centreId, setCentreId] = useState<string | null>(null);
  const [queue, setQueue] = useState<QueueItem[] | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!me?.institutionId) return;
    centresHostedBy(api, me.institutionId).then(
      (list) => {
        setCentres(list);
        const last = localStorage.getItem(LAST_CENTRE_KEY);
        setCentreId((current) => current ?? list.find((c) => c.id === last)?.id ?? list[0]?.id ?? null);
      },
      (err: unknown) => setError(errorMessage(err)),
    );
  }, [api, me]);

  const chooseCentre = (id: string) => {
    localStorage.setItem(LAST_CENTRE_KEY, id);
    setCentreId(id);
  };

  // Only the latest load's answer is shown: after a switch of centre (or a burst of live events) an earlier answer
  // that arrives late must not overwrite the current centre's queue.
  const loads = useRef(0);
  const load = useCallback(() => {
    if (!centreId) return;
    const mine = ++loads.current;
    getQueue(api, centreId, { limit: 100 }).then(
      (page) => {
        if (mine !== loads.current) return;
        setQueue(page.items);
        setError(null);
      },
      (err: unknown) => {
        if (mine === loads.current) setError(errorMessage(err));
      },
    );
  }, [api, centreId]);
  useEffect(load, [load]);
  const ours = (p: { centreId: string }) => p.centreId === centreId && load();
  const senior = me?.roles.includes('senior_reader') ?? false;
  const live = useHubEvents({
    ready: load,
    'task.created': ours,
    'task.claimed': ours,
    'task.released': ours,
    'task.submitted': ours,
    'task.cancelled': ours,
  });

  const claim = async (stage: 'read' | 'review') => {
    if (!centreId) return;
    setNote(null);
    try {
      const task = await claimNext(api, centreId, stage);
      if (!task) return setNote(t('worklist.nothing'));
      if (task.fencingToken !== undefined) leaseTokens.set(task.id, task.fencingToken);
      navigate(`/reader/tasks/${task.id}`);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <section>
      <h1>
        {t('worklist.heading')} <LiveBadge connected={live} />
      </h1>
      <div className="toolbar">
        <label>
          {t('worklist.centre')}
          <select value={centreId ?? ''} onChange={(e) => chooseCentre(e.target.value)} name="centre">
            {centres.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void claim('read')} disabled={!centreId}>
          {t('worklist.claimNext')}
        </button>
        {senior && (
          <button type="button" onClick={() => void claim('review')} disabled={!centreId}>
            {t('worklist.claimReview')}
          </button>
        )}
        <button type="button" className="secondary" onClick={load}>
          {t('worklist.refresh')}
        </button>
      </div>
      {note && <p className="muted">{note}</p>}
      <ErrorNote error={error} />
      {queue && (
        <table>
          <thead>
            <tr>
              <th>{t('request.priority')}</th>
              <th>{t('worklist.patient')}</th>
              <th>{t('worklist.clinic')}</th>
              <th>{t('worklist.exam')}</th>
              <th>{t('request.status')}</th>
              <th>{t('request.dueAt')}</th>
              <th>{t('worklist.holder')}</th>
            </tr>
          </thead>
          <tbody>
            {queue.map((item) => (
              <tr key={item.id} data-testid="queue-row">
                <td>
                  <PriorityBadge priority={item.priority} referral={item.referral} />
                </td>
                <td>{[item.patient.name, item.patient.sex, item.patient.birthDate].filter(Boolean).join(' · ')}</td>
                <td>{item.requestingInstitution.name}</td>
                <td>{item.study.description ?? item.examCode ?? '—'}</td>
                <td>
                  <StateBadge state={item.state} sla={item.sla} />
                </td>
                <td>{formatTime(item.dueAt)}</td>
                <td>{item.holder?.displayName ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
