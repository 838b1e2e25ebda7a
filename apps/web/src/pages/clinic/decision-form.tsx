import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type Decision,
  type DecisionView,
  MAX_NOTE_CHARS,
  NOT_RECOGNISED_REASONS,
  type NotRecognisedReason,
  type RecognitionCandidate,
  recordDecision,
} from '../../api/recognition';
import { ErrorNote } from '../../components/layout';
import { errorMessage, formatTime } from '../../format';
import { useSession } from '../../session';

/**
 * The doctor's decision on one recognisable result of a look-up: recognised, or not with a reason from the fixed list
 * (and a note, required for "other"); the patient must have been told.
 */
export function DecisionForm({
  lookupSerial,
  result,
  onDecided,
  onCancel,
}: {
  lookupSerial: string;
  result: RecognitionCandidate;
  onDecided: (d: DecisionView) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const { api } = useSession();
  const [decision, setDecision] = useState<Decision>('recognised');
  const [reasonCode, setReasonCode] = useState<NotRecognisedReason | ''>('');
  const [note, setNote] = useState('');
  const [patientInformed, setPatientInformed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const noteChars = [...note.trim()].length;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onDecided(
        await recordDecision(api, {
          lookupSerial,
          resultId: result.resultId,
          decision,
          ...(decision === 'not_recognised' && reasonCode ? { reasonCode } : {}),
          ...(note.trim() ? { note: note.trim() } : {}),
          patientInformed,
        }),
      );
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="decision-form" onSubmit={(e) => void submit(e)} aria-label={t('recognition.decide')}>
      <p>
        {t('recognition.deciding', {
          institution: result.performingInstitution.name,
          at: formatTime(result.performedAt),
        })}
      </p>
      <fieldset>
        <legend>{t('recognition.decisionLabel')}</legend>
        {(['recognised', 'not_recognised'] as const).map((d) => (
          <label key={d} className="inline">
            <input type="radio" name="decision" checked={decision === d} onChange={() => setDecision(d)} />
            {t(`recognition.decision.${d}`)}
          </label>
        ))}
      </fieldset>
      {decision === 'not_recognised' && (
        <label>
          {t('recognition.reasonLabel')}
          <select
            name="reasonCode"
            required
            value={reasonCode}
            onChange={(e) => setReasonCode(e.target.value as NotRecognisedReason)}
          >
            <option value="">{t('recognition.chooseReason')}</option>
            {NOT_RECOGNISED_REASONS.map((r) => (
              <option key={r} value={r}>
                {t(`recognition.reason.${r}`)}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        {t('recognition.note', { count: noteChars, max: MAX_NOTE_CHARS })}
        <textarea
          name="note"
          rows={2}
          value={note}
          required={decision === 'not_recognised' && reasonCode === 'other'}
          onChange={(e) => setNote(e.target.value)}
        />
      </label>
      <label className="inline">
        <input
          type="checkbox"
          name="patientInformed"
          checked={patientInformed}
          onChange={(e) => setPatientInformed(e.target.checked)}
        />
        {t('recognition.patientInformed')}
      </label>
      <div className="row">
        <button type="submit" disabled={busy || noteChars > MAX_NOTE_CHARS}>
          {t('recognition.record')}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('recognition.cancel')}
        </button>
      </div>
      <ErrorNote error={error} />
    </form>
  );
}
