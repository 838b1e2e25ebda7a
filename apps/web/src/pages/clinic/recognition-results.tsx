import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DecisionView, RecognitionCandidate, RecognitionLookup } from '../../api/recognition';
import { formatTime } from '../../format';
import { DecisionForm } from './decision-form';

/** The look-up's answer: recognisable results (HR mark) to decide on, and the others with the reason. */
export function RecognitionResults({ lookup, itemName }: { lookup: RecognitionLookup; itemName: string }) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState<RecognitionCandidate | null>(null);
  const [decided, setDecided] = useState<DecisionView[]>([]);
  const decisionOn = (resultId: string) => decided.find((d) => d.resultId === resultId);

  return (
    <div className="card" data-testid="lookup">
      <h2>
        {itemName} · {t('recognition.serial', { serial: lookup.lookupSerial })}
      </h2>
      <p className="muted">{t('recognition.at', { at: formatTime(lookup.at), days: lookup.item.validityDays })}</p>
      <h3>{t('recognition.recognisable', { count: lookup.recognisable.length })}</h3>
      {lookup.recognisable.length === 0 ? (
        <p>{t('recognition.noneRecognisable')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('recognition.mark')}</th>
              <th>{t('recognition.performedBy')}</th>
              <th>{t('recognition.performedAt')}</th>
              <th>{t('recognition.validUntil')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {lookup.recognisable.map((c) => {
              const decision = decisionOn(c.resultId);
              return (
                <tr key={c.resultId} data-testid="recognisable-row">
                  <td>
                    <span className="hr-mark">{c.hr}</span>
                  </td>
                  <td>{c.performingInstitution.name}</td>
                  <td>{formatTime(c.performedAt)}</td>
                  <td>{formatTime(c.validUntil)}</td>
                  <td>
                    {decision ? (
                      <span className={decision.decision === 'recognised' ? 'ok' : 'muted'} data-testid="decided">
                        {t(`recognition.decision.${decision.decision}`)}
                        {decision.reasonCode && ` · ${t(`recognition.reason.${decision.reasonCode}`)}`}
                      </span>
                    ) : (
                      <button type="button" className="secondary" onClick={() => setChosen(c)}>
                        {t('recognition.decide')}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {chosen && !decisionOn(chosen.resultId) && (
        <DecisionForm
          lookupSerial={lookup.lookupSerial}
          result={chosen}
          onDecided={(d) => {
            setDecided((all) => [...all, d]);
            setChosen(null);
          }}
          onCancel={() => setChosen(null)}
        />
      )}
      <h3>{t('recognition.notRecognisable', { count: lookup.notRecognisable.length })}</h3>
      {lookup.notRecognisable.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t('recognition.performedBy')}</th>
              <th>{t('recognition.performedAt')}</th>
              <th>{t('recognition.whyNot')}</th>
            </tr>
          </thead>
          <tbody>
            {lookup.notRecognisable.map((c) => (
              <tr key={c.resultId} data-testid="not-recognisable-row">
                <td>{c.performingInstitution.name}</td>
                <td>{formatTime(c.performedAt)}</td>
                <td>{c.reason ? t(`recognition.notRecognisableReason.${c.reason}`) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
