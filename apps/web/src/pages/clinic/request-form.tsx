import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { createRequest } from '../../api/endpoints';
import type { Priority, ReadingRequest } from '../../api/types';
import { ErrorNote } from '../../components/layout';
import { errorMessage } from '../../format';
import { useSession } from '../../session';

const PRIORITIES: Priority[] = ['routine', 'urgent', 'stat'];

/** Asks the study's centre for a reading: priority, the referral green channel and the clinical notes. */
export function RequestForm({
  studyInstanceUid,
  studyId,
  onCreated,
}: {
  /** One of the two: a DICOM study's UID, or the hub's id of an uploaded study. */
  studyInstanceUid?: string;
  studyId?: string;
  onCreated: (r: ReadingRequest) => void;
}) {
  const { t } = useTranslation();
  const { api } = useSession();
  const [priority, setPriority] = useState<Priority>('routine');
  const [referral, setReferral] = useState(false);
  const [clinicalNotes, setClinicalNotes] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onCreated(
        await createRequest(api, {
          ...(studyId ? { studyId } : { studyInstanceUid }),
          priority,
          referral,
          ...(clinicalNotes.trim() ? { clinicalNotes: clinicalNotes.trim() } : {}),
        }),
      );
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="request-form" onSubmit={(e) => void submit(e)} aria-label={t('request.heading')}>
      <label>
        {t('request.priority')}
        <select name="priority" value={priority} onChange={(e) => setPriority(e.target.value as Priority)}>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {t(`priority.${p}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="inline">
        <input type="checkbox" name="referral" checked={referral} onChange={(e) => setReferral(e.target.checked)} />
        {t('request.referral')}
      </label>
      <ClinicalNotesField label={t('request.clinicalNotes')} value={clinicalNotes} onChange={setClinicalNotes} />
      <button type="submit" disabled={busy}>
        {t('request.submit')}
      </button>
      <ErrorNote error={error} />
    </form>
  );
}

/** The clinical notes (临床资料) a request carries: at most 4,000 characters, as the hub takes them. */
export function ClinicalNotesField({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <label>
      {label}
      <textarea
        name="clinicalNotes"
        rows={3}
        maxLength={4000}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}
