import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DirectoryEntry } from '@hub/contracts';
import { type Invitation, listSpecialists } from '../../api/consultations';
import { ErrorNote } from '../../components/layout';
import { errorMessage } from '../../format';
import { useSession } from '../../session';

/** An ISO time as a datetime-local value in the browser's zone ('' for none). */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A small form that hands its values on and disables itself while the page works on them. */
function ActionForm(props: {
  label: string;
  busy: boolean;
  ready: boolean;
  onSubmit: () => void;
  children: ReactNode;
}) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (props.ready && !props.busy) props.onSubmit();
  };
  return (
    <form className="action-form" onSubmit={submit} aria-label={props.label}>
      {props.children}
      <button type="submit" disabled={!props.ready || props.busy}>
        {props.label}
      </button>
    </form>
  );
}

/** The requesting doctor records that the patient consented (a note, e.g. where the signed form is kept). */
export function ConsentForm(props: { busy: boolean; onSubmit: (note: string) => void }) {
  const { t } = useTranslation();
  const [confirmed, setConfirmed] = useState(false);
  const [note, setNote] = useState('');
  return (
    <ActionForm
      label={t('consult.consent.record')}
      busy={props.busy}
      ready={confirmed}
      onSubmit={() => props.onSubmit(note.trim())}
    >
      <label className="inline">
        <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />
        {t('consult.consent.given')}
      </label>
      <label>
        {t('consult.consent.note')}
        <input maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
    </ActionForm>
  );
}

/** The coordinator invites one of the consortium's specialists (from the hub's user directory), as chair or not. */
export function InviteForm(props: {
  busy: boolean;
  hasChair: boolean;
  invited: readonly string[];
  onSubmit: (invitation: Invitation) => void;
}) {
  const { t } = useTranslation();
  const { api } = useSession();
  const [people, setPeople] = useState<DirectoryEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<'specialist' | 'chair'>(props.hasChair ? 'specialist' : 'chair');
  const [specialty, setSpecialty] = useState('');
  useEffect(() => {
    listSpecialists(api).then(setPeople, (err: unknown) => setError(errorMessage(err)));
  }, [api]);
  const choices = (people ?? []).filter((p) => !props.invited.includes(p.id));
  return (
    <ActionForm
      label={t('consult.invite.submit')}
      busy={props.busy}
      ready={userId !== ''}
      onSubmit={() => {
        props.onSubmit({ userId, role, ...(specialty.trim() ? { specialty: specialty.trim() } : {}) });
        setUserId('');
        setSpecialty('');
      }}
    >
      <label>
        {t('consult.invite.person')}
        <select name="invitee" value={userId} disabled={people === null} onChange={(e) => setUserId(e.target.value)}>
          <option value="">{people === null ? t('common.loading') : t('consult.invite.choose')}</option>
          {choices.map((p) => (
            <option key={p.id} value={p.id}>
              {p.displayName}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('consult.role')}
        <select value={role} onChange={(e) => setRole(e.target.value as 'specialist' | 'chair')}>
          <option value="specialist">{t('room.roles.specialist')}</option>
          <option value="chair">{t('room.roles.chair')}</option>
        </select>
      </label>
      <label>
        {t('consult.specialty')}
        <input maxLength={100} value={specialty} onChange={(e) => setSpecialty(e.target.value)} />
      </label>
      {people !== null && choices.length === 0 && <p className="muted">{t('consult.invite.nobody')}</p>}
      <ErrorNote error={error} />
    </ActionForm>
  );
}

export function ScheduleForm(props: {
  busy: boolean;
  initial: string | null;
  rescheduling: boolean;
  onSubmit: (iso: string) => void;
}) {
  const { t } = useTranslation();
  const [when, setWhen] = useState(toLocalInput(props.initial));
  return (
    <ActionForm
      label={props.rescheduling ? t('consult.schedule.reschedule') : t('consult.schedule.submit')}
      busy={props.busy}
      ready={when !== ''}
      onSubmit={() => props.onSubmit(new Date(when).toISOString())}
    >
      <label>
        {t('consult.schedule.when')}
        <input type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} />
      </label>
    </ActionForm>
  );
}

export function CancelForm(props: { busy: boolean; onSubmit: (reason: string) => void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  return (
    <ActionForm
      label={t('consult.cancel.submit')}
      busy={props.busy}
      ready={reason.trim() !== ''}
      onSubmit={() => props.onSubmit(reason.trim())}
    >
      <label>
        {t('consult.cancel.reason')}
        <input maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
    </ActionForm>
  );
}
