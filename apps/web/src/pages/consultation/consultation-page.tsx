import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import * as consultations from '../../api/consultations';
import { getPatient, type Patient } from '../../api/patients';
import type { Consultation } from '../../api/types';
import { ErrorNote } from '../../components/layout';
import { errorMessage, formatTime } from '../../format';
import { useSession } from '../../session';
import { useLoaded } from '../../use-async';
import { SignedConclusion } from './conclusion-panel';
import { CancelForm, ConsentForm, InviteForm, ScheduleForm } from './consultation-forms';
import './consultation.css';

/**
 * One consultation: what is asked, its state and schedule, who takes part, the shared studies, and what the caller may
 * do now: the requesting doctor records consent or cancels; the coordinator invites, schedules, starts, ends or
 * cancels; the chair starts and ends; everyone invited enters the room while it is scheduled or live.
 */
export function ConsultationPage() {
  const { t } = useTranslation();
  const { api, me } = useSession();
  const { consultationId = '' } = useParams();
  const [c, setC] = useState<Consultation | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // Each load outdates those before it, so a late answer (e.g. for the consultation shown before) is dropped.
  const latestLoad = useRef(0);
  const load = useCallback(() => {
    const n = ++latestLoad.current;
    return consultations.getConsultation(api, consultationId).then(
      (fresh) => n === latestLoad.current && setC(fresh),
      (err: unknown) => n === latestLoad.current && setError(errorMessage(err)),
    );
  }, [api, consultationId]);
  useEffect(() => {
    setC(null);
    setError(null);
    void load();
  }, [load]);
  const patientId = c?.patientId;
  // Only the requesting side and those the patient's records are shared with may read the patient: others see no name.
  const { value: patient } = useLoaded(
    async (): Promise<Patient | null> => (patientId ? getPatient(api, patientId) : null),
    [api, patientId],
  );

  /** Runs a change, then shows the consultation as the hub now has it (the change's answer lacks participants). */
  const run = (change: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    change()
      .then(load, (err: unknown) => setError(errorMessage(err)))
      .finally(() => setBusy(false));
  };

  if (!c) return error ? <ErrorNote error={error} /> : <p>{t('common.loading')}</p>;
  const coordinator = !!me?.roles.includes('coordinator');
  const requester = c.yourRole === 'requester';
  const chair = c.yourRole === 'chair';
  const open = c.state === 'requested' || c.state === 'scheduled';
  const consent = c.consentRecordedAt !== null;
  const hasChair = !!c.participants?.some((p) => p.role === 'chair');

  return (
    <section className="consultation-page">
      <h1>
        {t(`consultations.kinds.${c.kind}`)}{' '}
        <span className={`badge consult-${c.state}`} data-testid="consultation-state">
          {t(`consultations.states.${c.state}`)}
        </span>
        {(c.state === 'scheduled' || c.state === 'live') && (
          <Link className="button enter-room" to={`/consultations/${c.id}/room`}>
            {t('consultations.enter')}
          </Link>
        )}
      </h1>
      <ErrorNote error={error} />
      <div className="consult-columns">
        <div>
          <div className="card">
            <dl className="facts">
              <dt>{t('consultations.question')}</dt>
              <dd>
                <strong>{c.question}</strong>
              </dd>
              {patient && (
                <>
                  <dt>{t('consult.new.patient')}</dt>
                  <dd>{patient.name}</dd>
                </>
              )}
              <dt>{t('consult.caseSummary')}</dt>
              <dd className="prose">{c.caseSummary}</dd>
              <dt>{t('consult.specialties')}</dt>
              <dd>{c.requestedSpecialties.join('、') || '—'}</dd>
              <dt>{t('consult.proposedAt')}</dt>
              <dd>{formatTime(c.proposedAt)}</dd>
              <dt>{t('consult.scheduledAt')}</dt>
              <dd data-testid="scheduled-at">{formatTime(c.scheduledAt)}</dd>
              {c.startedAt && (
                <>
                  <dt>{t('consult.startedAt')}</dt>
                  <dd>{formatTime(c.startedAt)}</dd>
                </>
              )}
              {c.endedAt && (
                <>
                  <dt>{t('consult.endedAt')}</dt>
                  <dd>{formatTime(c.endedAt)}</dd>
                </>
              )}
              {c.cancelledAt && (
                <>
                  <dt>{t('consult.cancel.reason')}</dt>
                  <dd>{c.cancelReason}</dd>
                </>
              )}
              <dt>{t('consult.consent.heading')}</dt>
              <dd data-testid="consent">
                {consent ? (
                  <span className="ok">
                    {t('consult.consent.recorded', { time: formatTime(c.consentRecordedAt) })}
                    {c.consentNote && ` · ${c.consentNote}`}
                  </span>
                ) : (
                  <span className="error">{t('consult.consent.missing')}</span>
                )}
              </dd>
            </dl>
          </div>
          <Participants
            c={c}
            canWithdraw={coordinator && c.state !== 'concluded' && c.state !== 'cancelled'}
            run={run}
          />
          <Materials c={c} />
          {c.conclusion.signed && (
            <div className="card">
              <h2>{t('consult.conclusion.heading')}</h2>
              <SignedConclusion consultation={c} />
            </div>
          )}
        </div>
        <aside className="consult-actions">
          {requester && open && !consent && me?.roles.includes('clinic_doctor') && (
            <div className="card">
              <h2>{t('consult.consent.heading')}</h2>
              <ConsentForm busy={busy} onSubmit={(note) => run(() => consultations.recordConsent(api, c.id, note))} />
            </div>
          )}
          {coordinator && (open || c.state === 'live') && (
            <div className="card">
              <h2>{t('consult.invite.heading')}</h2>
              <InviteForm
                key={String(hasChair)}
                busy={busy}
                hasChair={hasChair}
                invited={(c.participants ?? []).map((p) => p.userId)}
                onSubmit={(invitation) => run(() => consultations.invite(api, c.id, invitation))}
              />
            </div>
          )}
          {coordinator && open && (
            <div className="card">
              <h2>{t('consult.schedule.heading')}</h2>
              {!consent && <p className="muted">{t('consult.schedule.needsConsent')}</p>}
              <ScheduleForm
                busy={busy}
                initial={c.scheduledAt ?? c.proposedAt}
                rescheduling={c.state === 'scheduled'}
                onSubmit={(iso) => run(() => consultations.schedule(api, c.id, iso))}
              />
            </div>
          )}
          {(coordinator || chair) && (c.state === 'scheduled' || c.state === 'live') && (
            <div className="card">
              <h2>{t('consult.session')}</h2>
              {c.state === 'scheduled' ? (
                <button type="button" disabled={busy} onClick={() => run(() => consultations.start(api, c.id))}>
                  {t('consult.start')}
                </button>
              ) : (
                <>
                  {!c.conclusion.signed && <p className="muted">{t('consult.endNeedsConclusion')}</p>}
                  <button
                    type="button"
                    disabled={busy || !c.conclusion.signed}
                    onClick={() => run(() => consultations.end(api, c.id))}
                  >
                    {t('consult.end')}
                  </button>
                </>
              )}
            </div>
          )}
          {(coordinator || requester) && open && (
            <div className="card">
              <h2>{t('consult.cancel.heading')}</h2>
              <CancelForm busy={busy} onSubmit={(reason) => run(() => consultations.cancel(api, c.id, reason))} />
            </div>
          )}
        </aside>
      </div>
    </section>
  );
}

function Participants(props: { c: Consultation; canWithdraw: boolean; run: (change: () => Promise<unknown>) => void }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const { c } = props;
  return (
    <div className="card">
      <h2>{t('room.participants')}</h2>
      <table className="list" data-testid="invited">
        <thead>
          <tr>
            <th>{t('consult.name')}</th>
            <th>{t('consult.role')}</th>
            <th>{t('consult.specialty')}</th>
            <th>{t('consult.invitedAt')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(c.participants ?? []).map((p) => (
            <tr key={p.userId} data-testid="invited-row">
              <td>{p.displayName}</td>
              <td>{t(`room.roles.${p.role}`)}</td>
              <td>{p.specialty ?? '—'}</td>
              <td>{formatTime(p.invitedAt)}</td>
              <td>
                {props.canWithdraw && p.role !== 'requester' && (
                  <button
                    type="button"
                    className="link"
                    onClick={() => props.run(() => consultations.withdrawInvitation(api, c.id, p.userId))}
                  >
                    {t('consult.invite.withdraw')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Materials({ c }: { c: Consultation }) {
  const { t } = useTranslation();
  return (
    <div className="card">
      <h2>{t('consult.materials')}</h2>
      {(c.materials ?? []).length === 0 ? (
        <p className="muted">{t('consult.noMaterials')}</p>
      ) : (
        <ul data-testid="materials">
          {(c.materials ?? []).map((m) => (
            <li key={m.studyId}>
              {t(`consult.disciplines.${m.discipline}`, { defaultValue: m.discipline })} ·{' '}
              {m.description ?? m.examCode ?? '—'} <span className="muted">{m.studyDate ?? ''}</span>
              {m.reportIds.length > 0 && (
                <span className="badge">{t('consult.signedReports', { count: m.reportIds.length })}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
