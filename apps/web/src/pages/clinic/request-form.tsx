import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { createRequest } from '../../api/endpoints';
import type { CatalogueItem } from '../../api/recognition';
import type { Priority, ReadingRequest } from '../../api/types';
import { ErrorNote } from '../../components/layout';
import { errorMessage } from '../../format';
import { useSession } from '../../session';
import type { Loaded } from '../../use-async';

const PRIORITIES: Priority[] = ['routine', 'urgent', 'stat'];

/**
 * Asks the study's centre for a reading: priority, the referral green channel, the clinical notes and, for a DICOM
 * study, the catalogue item it was examined for (a non-DICOM study was filed with its exam code). Without an item the
 * signed result cannot be matched to the catalogue, so it never carries the HR mark.
 */
export function RequestForm({
  studyInstanceUid,
  studyId,
  examItems,
  onCreated,
}: {
  /** One of the two: a DICOM study's UID, or the hub's id of an uploaded study. */
  studyInstanceUid?: string;
  studyId?: string;
  /** For a DICOM study: the catalogue items to choose from (loaded once by the page, for all its studies). */
  examItems?: Loaded<CatalogueItem[]>;
  onCreated: (r: ReadingRequest) => void;
}) {
  const { t } = useTranslation();
  const { api } = useSession();
  const [priority, setPriority] = useState<Priority>('routine');
  const [referral, setReferral] = useState(false);
  const [clinicalNotes, setClinicalNotes] = useState('');
  const [examCode, setExamCode] = useState('');
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
          ...(examCode ? { examCode } : {}),
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
      {examItems && <ExamItemField items={examItems} value={examCode} onChange={setExamCode} />}
      <ClinicalNotesField label={t('request.clinicalNotes')} value={clinicalNotes} onChange={setClinicalNotes} />
      <button type="submit" disabled={busy}>
        {t('request.submit')}
      </button>
      <ErrorNote error={error} />
    </form>
  );
}

/** The catalogue item a DICOM study was examined for, by discipline; none by default. */
function ExamItemField({
  items: { value: items = [], error },
  value,
  onChange,
}: {
  items: Loaded<CatalogueItem[]>;
  value: string;
  onChange: (code: string) => void;
}) {
  const { t, i18n } = useTranslation();

  const name = (i: CatalogueItem) => (i18n.language === 'en' ? i.nameEn : i.nameZh);
  const disciplines = [...new Set(items.map((i) => i.discipline))];
  return (
    <>
      <label>
        {t('request.examItem')}
        <select name="examCode" value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{t('request.noExamItem')}</option>
          {disciplines.map((d) => (
            <optgroup key={d} label={t(`studies.disciplines.${d}`)}>
              {items
                .filter((i) => i.discipline === d)
                .map((i) => (
                  <option key={i.code} value={i.code}>
                    {name(i)} ({i.code})
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
      </label>
      <ErrorNote error={error} />
    </>
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
