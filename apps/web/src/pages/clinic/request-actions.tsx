import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { cancelRequest, resubmitRequest } from '../../api/endpoints';
import type { ReadingRequest } from '../../api/types';
import { ErrorNote } from '../../components/layout';
import { useSession } from '../../session';
import { useAction } from '../../use-async';
import { ClinicalNotesField } from './request-form';

/**
 * What a clinic can still do with its request: resubmit a returned one (with corrected clinical notes), cancel one no
 * reader has claimed yet (or a returned one it gives up).
 */
export function RequestActions({
  request,
  onChange,
}: {
  request: ReadingRequest;
  onChange: (r: ReadingRequest) => void;
}) {
  const { t } = useTranslation();
  const { api } = useSession();
  const [notes, setNotes] = useState(request.clinicalNotes ?? '');
  const { busy, error, run } = useAction();
  const { state } = request.task;
  const returned = state === 'returned';
  if (!returned && state !== 'queued') return null;

  const act = (call: () => Promise<ReadingRequest>) => run(async () => onChange(await call()));
  const resubmit = () => {
    const changed = notes.trim() && notes.trim() !== (request.clinicalNotes ?? '') ? notes.trim() : undefined;
    return act(() => resubmitRequest(api, request.id, changed));
  };
  const cancel = () => {
    if (window.confirm(t('requestActions.confirmCancel'))) void act(() => cancelRequest(api, request.id));
  };

  return (
    <div className="card request-actions">
      {returned && <ClinicalNotesField label={t('requestActions.notes')} value={notes} onChange={setNotes} />}
      <div className="toolbar">
        {returned && (
          <button type="button" disabled={busy} onClick={() => void resubmit()}>
            {t('requestActions.resubmit')}
          </button>
        )}
        <button type="button" className="secondary" disabled={busy} onClick={cancel}>
          {t('request.cancel')}
        </button>
      </div>
      <ErrorNote error={error} />
    </div>
  );
}
