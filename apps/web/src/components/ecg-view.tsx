import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { calibrationPath, type EcgLayout, layOutEcg, MM_PER_MV, MM_PER_SECOND } from '../ecg/ecg-paper';
import type { EcgWaveform } from '../ecg/waveform';

const LAYOUTS: EcgLayout[] = ['grid', 'rows'];

/** A 12-lead ECG drawn on ECG paper (1 mm grid, 25 mm/s, 10 mm/mV), as the usual 3×4 + rhythm strip or one row per lead. */
export function EcgView({ waveform }: { waveform: EcgWaveform }) {
  const { t } = useTranslation();
  const [layout, setLayout] = useState<EcgLayout>('grid');
  const paper = useMemo(() => layOutEcg(waveform, layout), [waveform, layout]);
  const { width, height } = paper;

  return (
    <figure className="ecg" data-testid="ecg-view">
      <figcaption className="toolbar">
        <label>
          {t('studies.ecg.layout')}
          <select value={layout} onChange={(e) => setLayout(e.target.value as EcgLayout)}>
            {LAYOUTS.map((l) => (
              <option key={l} value={l}>
                {t(`studies.ecg.layouts.${l}`)}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">
          {t('studies.ecg.scale', {
            speed: MM_PER_SECOND,
            gain: MM_PER_MV,
            rate: Math.round(waveform.samplingHz),
            seconds: paper.seconds.toFixed(1),
            leads: waveform.leads.length,
          })}
        </span>
      </figcaption>
      <svg
        className="ecg-paper"
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={t('studies.ecg.heading')}
        style={{ aspectRatio: `${width} / ${height}` }}
      >
        <defs>
          <pattern id="ecg-mm" width="1" height="1" patternUnits="userSpaceOnUse">
            <path d="M1 0 L0 0 L0 1" className="ecg-minor" />
          </pattern>
          <pattern id="ecg-5mm" width="5" height="5" patternUnits="userSpaceOnUse">
            <path d="M5 0 L0 0 L0 5" className="ecg-major" />
          </pattern>
        </defs>
        <rect width={width} height={height} className="ecg-background" />
        <rect width={width} height={height} fill="url(#ecg-mm)" />
        <rect width={width} height={height} fill="url(#ecg-5mm)" />
        {paper.rows.map((y) => (
          <path key={y} d={calibrationPath(y)} className="ecg-trace" />
        ))}
        {paper.columnTicks.map((x) =>
          paper.rows
            .slice(0, 3)
            .map((y) => <path key={`${x}-${y}`} d={`M${x} ${y - 4} L${x} ${y + 4}`} className="ecg-tick" />),
        )}
        {paper.traces.map((tr) => (
          <g key={`${tr.lead}-${tr.x}-${tr.y}`}>
            <path d={tr.d} className="ecg-trace" data-lead={tr.lead} data-rhythm={tr.rhythm || undefined} />
            <text x={tr.x + 1} y={tr.y - 9} className="ecg-label">
              {tr.lead}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}
