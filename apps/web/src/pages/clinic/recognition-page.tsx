import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import {
  type CatalogueItem,
  catalogueItems,
  findPatient,
  getPatient,
  lookUp,
  type PatientSummary,
  type RecognitionLookup,
} from '../../api/recognition';
import { ErrorNote } from '../../components/layout';
import { errorMessage } from '../../format';
import { useSession } from '../../session';
import { RecognitionResults } from './recognition-results';

/**
 * Before ordering a test: the patient's prior results of the item from any member of the consortium, recognisable
 * (with the HR mark) or not (with why), and the doctor's decision on one of them.
 * The patient comes from a request (?patient=<id>) or from their local id at this clinic.
 */
export function RecognitionPage() {
  const { t, i18n } = useTranslation();
  const { api } = useSession();
  const [params, setParams] = useSearchParams();
  const patientId = params.get('patient');
  const [patient, setPatient] = useState<PatientSummary | null>(null);
  const [localId, setLocalId] = useState('');
  const [items, setItems] = useState<CatalogueItem[]>([]);
  const [itemCode, setItemCode] = useState('');
  const [lookup, setLookup] = useState<RecognitionLookup | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    catalogueItems(api).then(
      (all) => setItems(all.filter((i) => i.active)),
      (err: unknown) => setError(errorMessage(err)),
    );
  }, [api]);
  useEffect(() => {
    setLookup(null);
    setPatient(null);
    if (!patientId) return;
    let current = true; // the answer for a patient no longer chosen is dropped
    getPatient(api, patientId).then(
      (found) => current && setPatient(found),
      (err: unknown) => current && setError(errorMessage(err)),
    );
    return () => {
      current = false;
    };
  }, [api, patientId]);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const choosePatient = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const found = await findPatient(api, localId.trim());
      setParams({ patient: found.id });
    });
  };
  const search = (event: FormEvent) => {
    event.preventDefault();
    if (patient) void run(async () => setLookup(await lookUp(api, patient.id, itemCode)));
  };
  const itemName = (i: CatalogueItem) => (i18n.language === 'en' ? i.nameEn : i.nameZh);

  return (
    <section>
      <h1>{t('recognition.heading')}</h1>
      <div className="card">
        <form className="toolbar" onSubmit={choosePatient} aria-label={t('recognition.patient')}>
          <label>
            {t('recognition.localId')}
            <input
              name="localId"
              required
              maxLength={64}
              value={localId}
              onChange={(e) => setLocalId(e.target.value)}
            />
          </label>
          <button type="submit" className="secondary" disabled={busy}>
            {t('recognition.findPatient')}
          </button>
          {patient && (
            <p data-testid="patient">
              {t('recognition.patientIs', {
                name: patient.name.replace(/\^+/g, ' ').trim(),
                sex: patient.sex ?? '—',
                birthDate: patient.birthDate ?? '—',
              })}
            </p>
          )}
        </form>
        <form className="toolbar" onSubmit={search} aria-label={t('recognition.lookUp')}>
          <label>
            {t('recognition.item')}
            <select name="item" required value={itemCode} onChange={(e) => setItemCode(e.target.value)}>
              <option value="">{t('recognition.chooseItem')}</option>
              {items.map((i) => (
                <option key={i.code} value={i.code}>
                  {itemName(i)} ({i.code})
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={busy || !patient || !itemCode}>
            {t('recognition.lookUp')}
          </button>
        </form>
        {!patient && <p className="muted">{t('recognition.choosePatientFirst')}</p>}
      </div>
      <ErrorNote error={error} />
      {lookup && <RecognitionResults lookup={lookup} itemName={itemName(lookup.item)} />}
    </section>
  );
}
