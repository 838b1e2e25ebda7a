import { RETURN_REASONS } from '@hub/contracts';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { returnTask } from '../../api/endpoints';
import type { ReturnReason } from '../../api/types';
import { ErrorNote } from '../../components/layout';
import { useSession } from '../../session';
import { useAction } from '../../use-async';

const NOTE_MAX = 500;

/** 退回: sends a claimed task back to the requesting clinic with a reason from the fixed list and a note. */
export function ReturnTaskForm({
  taskId,
  fencingToken,
  onReturned,
}: {
  taskId: string;
  fencingToken: number;
  onReturned: () => void;
}) {
  const { t } = useTranslation();
  const { api } = useSession();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState<ReturnReason>('poor_image_quality');
  const [note, setNote] = useState('');
  const { busy, error, run } = useAction();

  if (!open) {
    return (
      <button type="button" className="secondary" onClick={() => setOpen(true)}>
        {t('returns.open')}
      </button>
    );
  }
  const noteNeeded = reason === 'other' && note.trim() === '';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    return run(async () => {
      await returnTask(api, taskId, { fencingToken, reason, ...(note.trim() ? { note: note.trim() } : {}) });
      onReturned();
    });
  };

  return (
    <form className="card return-form" onSubmit={(e) => void submit(e)} aria-label={t('returns.heading')}>
      <h3>{t('returns.heading')}</h3>
      <label>
        {t('returns.reason')}
        <select name="reason" value={reason} onChange={(e) => setReason(e.target.value as ReturnReason)}>
          {RETURN_REASONS.map((r) => (
            <option key={r} value={r}>
              {t(`returns.reasons.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {reason === 'other' ? t('returns.noteRequired') : t('returns.note')}
        <textarea name="note" rows={3} maxLength={NOTE_MAX} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <div className="toolbar">
        <button type="submit" disabled={busy || noteNeeded}>
          {t('returns.submit')}
        </button>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>
          {t('returns.cancel')}
        </button>
      </div>
      <ErrorNote error={error} />
    </form>
  );
}
