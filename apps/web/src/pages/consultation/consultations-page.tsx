import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { listConsultations } from '../../api/consultations';
import type { Consultation } from '../../api/types';
import { ErrorNote } from '../../components/layout';
import { errorMessage, formatTime } from '../../format';
import { useSession } from '../../session';

/** The caller's consultations, newest first; a scheduled or live one opens its room. */
export function ConsultationsPage() {
  const { t } = useTranslation();
  const { api, me } = useSession();
  const [items, setItems] = useState<Consultation[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    listConsultations(api).then(
      (page) => setItems(page.items),
      (err: unknown) => setError(errorMessage(err)),
    );
  }, [api]);

  return (
    <section>
      <h1>
        {t('consultations.heading')}{' '}
        {me?.roles.includes('clinic_doctor') && (
          <Link className="button" to="/consultations/new">
            {t('consult.new.heading')}
          </Link>
        )}
      </h1>
      <ErrorNote error={error} />
      {items === null ? (
        <p>{t('common.loading')}</p>
      ) : items.length === 0 ? (
        <p className="muted">{t('consultations.none')}</p>
      ) : (
        <table className="list">
          <thead>
            <tr>
              <th>{t('consultations.kind')}</th>
              <th>{t('consultations.question')}</th>
              <th>{t('consultations.state')}</th>
              <th>{t('consultations.when')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id} data-testid="consultation-row">
                <td>{t(`consultations.kinds.${c.kind}`)}</td>
                <td>
                  <Link to={`/consultations/${c.id}`}>{c.question}</Link>
                </td>
                <td>{t(`consultations.states.${c.state}`)}</td>
                <td>{formatTime(c.startedAt ?? c.scheduledAt ?? c.proposedAt ?? c.createdAt)}</td>
                <td>
                  {(c.state === 'scheduled' || c.state === 'live') && (
                    <Link to={`/consultations/${c.id}/room`}>{t('consultations.enter')}</Link>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
