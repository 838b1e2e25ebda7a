import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { listRequests } from '../../api/endpoints';
import type { Task } from '../../api/types';
import { LiveBadge, PriorityBadge, StateBadge } from '../../components/badges';
import { ErrorNote } from '../../components/layout';
import { errorMessage, formatTime } from '../../format';
import { useSession } from '../../session';
import { useHubEvents } from '../../use-events';

/** The clinic's reading requests, newest first, kept current by the hub's events. */
export function RequestsPage() {
  const { t } = useTranslation();
  const { api } = useSession();
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    listRequests(api, { limit: 100 }).then(
      (page) => setTasks(page.items),
      (err: unknown) => setError(errorMessage(err)),
    );
  }, [api]);
  useEffect(load, [load]);
  const live = useHubEvents({ ready: load, 'request.claimed': load, 'request.returned': load, 'report.signed': load });

  return (
    <section>
      <h1>
        {t('nav.requests')} <LiveBadge connected={live} />
      </h1>
      <ErrorNote error={error} />
      {tasks === null ? (
        <p>{t('common.loading')}</p>
      ) : tasks.length === 0 ? (
        <p>{t('request.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('request.createdAt')}</th>
              <th>{t('request.priority')}</th>
              <th>{t('request.status')}</th>
              <th>{t('request.dueAt')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tasks.map((task) => (
              <tr key={task.id} data-testid="request-row">
                <td>{formatTime(task.queuedAt)}</td>
                <td>
                  <PriorityBadge priority={task.priority} referral={task.referral} />
                </td>
                <td>
                  <StateBadge state={task.state} sla={task.sla} />
                </td>
                <td>{formatTime(task.dueAt)}</td>
                <td>
                  <Link to={`/clinic/requests/${task.requestId}`}>{t('request.open')}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
