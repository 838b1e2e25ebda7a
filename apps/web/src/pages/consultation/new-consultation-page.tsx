import { type FormEvent, useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { createConsultation } from '../../api/consultations';
import type { ConsultationKind } from '../../api/types';
import { ErrorNote } from '../../components/layout';
import { errorMessage } from '../../format';
import { useSession } from '../../session';
import { type PickedStudies, StudyPicker } from './study-picker';
import './consultation.css';

const KINDS: ConsultationKind[] = ['remote', 'mdt'];

/** Specialties as typed: separated by commas, the Chinese comma or 、. */
export const splitSpecialties = (text: string): string[] =>
  text
    .split(/[,，、;；]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** datetime-local's value (the browser's zone) as ISO 8601, or undefined when empty. */
export const localToIso = (value: string): string | undefined => (value ? new Date(value).toISOString() : undefined);

/**
 * The clinic doctor asks the lead hospital for a remote consultation or an MDT about one patient: the question, a
 * case summary, the studies to share, the specialties wanted, a proposed time, and the patient's informed consent.
 */
export function NewConsultationPage() {
  const { t } = useTranslation();
  const { api } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [kind, setKind] = useState<ConsultationKind>('mdt');
  const [picked, setPicked] = useState<PickedStudies>({ patientId: null, studyIds: [], mixed: false });
  const [question, setQuestion] = useState('');
  const [caseSummary, setCaseSummary] = useState('');
  const [specialties, setSpecialties] = useState('');
  const [proposedAt, setProposedAt] = useState('');
  const [consent, setConsent] = useState(false);
  const [consentNote, setConsentNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onPick = useCallback((p: PickedStudies) => setPicked(p), []);

  const ready = !!picked.patientId && !picked.mixed && question.trim() !== '' && caseSummary.trim() !== '';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!ready || !picked.patientId) return;
    setBusy(true);
    setError(null);
    try {
      const created = await createConsultation(api, {
        kind,
        patientId: picked.patientId,
        question: question.trim(),
        caseSummary: caseSummary.trim(),
        studyIds: picked.studyIds,
        requestedSpecialties: splitSpecialties(specialties),
        proposedAt: localToIso(proposedAt),
        consent: consent ? (consentNote.trim() ? { note: consentNote.trim() } : {}) : undefined,
      });
      void navigate(`/consultations/${created.id}`);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h1>{t('consult.new.heading')}</h1>
      <form className="card consult-form" onSubmit={(e) => void submit(e)}>
        <div className="form-columns">
          <div>
            <label>
              {t('consultations.kind')}
              <select value={kind} onChange={(e) => setKind(e.target.value as ConsultationKind)}>
                {KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`consultations.kinds.${k}`)}
                  </option>
                ))}
              </select>
            </label>
            <StudyPicker initialRequestId={params.get('requestId') ?? undefined} onChange={onPick} />
          </div>
          <div>
            <label>
              {t('consultations.question')}
              <textarea rows={2} maxLength={2000} value={question} onChange={(e) => setQuestion(e.target.value)} />
            </label>
            <label>
              {t('consult.caseSummary')}
              <textarea
                rows={5}
                maxLength={20000}
                value={caseSummary}
                onChange={(e) => setCaseSummary(e.target.value)}
              />
            </label>
            <label>
              {t('consult.specialties')}
              <input
                value={specialties}
                placeholder={t('consult.new.specialtiesHint')}
                onChange={(e) => setSpecialties(e.target.value)}
              />
            </label>
            <label>
              {t('consult.proposedAt')}
              <input type="datetime-local" value={proposedAt} onChange={(e) => setProposedAt(e.target.value)} />
            </label>
            <label className="inline">
              <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.target.checked)} />
              {t('consult.consent.given')}
            </label>
            {consent && (
              <label>
                {t('consult.consent.note')}
                <input maxLength={500} value={consentNote} onChange={(e) => setConsentNote(e.target.value)} />
              </label>
            )}
            {!consent && <p className="muted">{t('consult.consent.later')}</p>}
          </div>
        </div>
        <button type="submit" disabled={!ready || busy}>
          {t('consult.new.submit')}
        </button>
        <ErrorNote error={error} />
      </form>
    </section>
  );
}
