import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { getRequest } from '../../api/endpoints';
import type { ReadingRequest } from '../../api/types';
import { LiveBadge, PriorityBadge, StateBadge } from '../../components/badges';
import { ErrorNote } from '../../components/layout';
import { ReportView } from '../../components/report-view';
import { ReturnedNote } from '../../components/returned-note';
import { errorMessage, formatTime } from '../../format';
import { hasAnyRole, ORDERING_ROLES, useSession } from '../../session';
import { useHubEvents } from '../../use-events';
import { RequestActions } from './request-actions';

/** One request: where it stands, and its report the moment it is signed. */
export function RequestPage() {
  const { t } = useTranslation();
  const { api, me } = useSession();
  const { requestId = '' } = useParams();
  const [request, setRequest] = useState<ReadingRequest | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    getRequest(api, requestId).then(setRequest, (err: unknown) => setError(errorMessage(err)));
  }, [api, requestId]);
  useEffect(load, [load]);
  const mine = (p: { requestId: string }) => p.requestId === requestId && load();
  const live = useHubEvents({
    ready: load,
    'request.claimed': mine,
    'request.returned': mine,
    'report.signed': mine,
  });

  if (!request) return error ? <ErrorNote error={error} /> : <p>{t('common.loading')}</p>;
  const { task } = request;
  return (
    <section>
      <h1>
        {t('request.heading')} <LiveBadge connected={live} />
      </h1>
      <div className="card">
        <dl className="facts">
          <dt>{t('request.status')}</dt>
          <dd>
            <StateBadge state={task.state} sla={task.sla} />
          </dd>
          <dt>{t('request.priority')}</dt>
          <dd>
            <PriorityBadge priority={request.priority} referral={request.referral} />
          </dd>
          <dt>{t('request.createdAt')}</dt>
          <dd>{formatTime(request.createdAt)}</dd>
          <dt>{t('request.dueAt')}</dt>
          <dd>{formatTime(task.dueAt)}</dd>
          {request.clinicalNotes && (
            <>
              <dt>{t('request.clinicalNotes')}</dt>
              <dd>{request.clinicalNotes}</dd>
            </>
          )}
        </dl>
        {hasAnyRole(me, ORDERING_ROLES) && (
          <Link to={`/clinic/recognition?patient=${encodeURIComponent(request.patientId)}`}>
            {t('recognition.fromRequest')}
          </Link>
        )}
        <ReturnedNote task={task} />
      </div>
      <RequestActions request={request} onChange={setRequest} />
      {me?.roles.includes('clinic_doctor') && (
        <p>
          <Link to={`/consultations/new?requestId=${request.id}`}>{t('consult.new.heading')}</Link>
        </p>
      )}
      {request.report ? <ReportView report={request.report} /> : <p className="muted">{t('report.notYet')}</p>}
      <ErrorNote error={error} />
    </section>
  );
}
