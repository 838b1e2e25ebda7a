import { type EcgWaveform, STANDARD_LEADS } from './waveform';

// ECG paper geometry in millimetres: the SVG's user unit is 1 mm, so the grid is 1 mm and 5 mm at any zoom.
export const MM_PER_SECOND = 25;
export const MM_PER_MV = 10;
/** Room at the left of each row for the 1 mV calibration pulse. */
const LEFT_MM = 10;
/** One trace point per this much paper (min and max of the samples under it, so no QRS peak is lost). */
const STEP_MM = 0.1;
const MAX_SECONDS = 10;

export type EcgLayout = 'grid' | 'rows';

export interface EcgTrace {
  /** The lead's standard name; a key for tests and labels. */
  lead: string;
  /** Where the label goes. */
  x: number;
  y: number;
  /** SVG path data. */
  d: string;
  rhythm: boolean;
}

export interface EcgPaper {
  width: number;
  height: number;
  /** Baselines of the rows, for the calibration pulses. */
  rows: number[];
  traces: EcgTrace[];
  /** x of the ticks between the grid's columns. */
  columnTicks: number[];
  seconds: number;
}

const GRID: readonly (readonly string[])[] = [
  ['I', 'aVR', 'V1', 'V4'],
  ['II', 'aVL', 'V2', 'V5'],
  ['III', 'aVF', 'V3', 'V6'],
];
const RHYTHM_LEAD = 'II';
const ROW_MM: Record<EcgLayout, number> = { grid: 35, rows: 22 };

/** Path data for samples [from, to) of a lead drawn from x0 along baseline y. */
export function tracePath(samples: Float32Array, samplingHz: number, from: number, to: number, x0: number, y: number) {
  const perStep = (samplingHz * STEP_MM) / MM_PER_SECOND;
  const point = (i: number) =>
    `${(x0 + ((i - from) / samplingHz) * MM_PER_SECOND).toFixed(2)} ${(y - samples[i]! * MM_PER_MV).toFixed(2)}`;
  const parts: string[] = [];
  if (perStep <= 2) {
    for (let i = from; i < to; i++) parts.push(point(i));
  } else {
    for (let start = from; start < to; start += perStep) {
      const end = Math.min(to, Math.floor(start + perStep));
      let lo = Math.floor(start);
      let hi = lo;
      for (let i = lo; i < end; i++) {
        if (samples[i]! < samples[lo]!) lo = i;
        if (samples[i]! > samples[hi]!) hi = i;
      }
      parts.push(point(Math.min(lo, hi)));
      if (lo !== hi) parts.push(point(Math.max(lo, hi)));
    }
  }
  return parts.length > 0 ? `M${parts.join('L')}` : '';
}

/**
 * The usual printout (layout 'grid': 3 rows × 4 columns of 2.5 s, then a 10 s rhythm strip of lead II) or one row per
 * lead over the whole recording (layout 'rows'), at 25 mm/s and 10 mm/mV; at most the first 10 s.
 */
export function layOutEcg(waveform: EcgWaveform, layout: EcgLayout): EcgPaper {
  const { samplingHz } = waveform;
  const leads = new Map(waveform.leads.map((l) => [l.label, l.samples]));
  const length = Math.min(...waveform.leads.map((l) => l.samples.length));
  const seconds = Math.min(MAX_SECONDS, length / samplingHz);
  const total = Math.floor(seconds * samplingHz);
  const rowMm = ROW_MM[layout];
  const width = LEFT_MM + seconds * MM_PER_SECOND + 2;
  const traces: EcgTrace[] = [];
  const rows: number[] = [];
  const baseline = (row: number) => rowMm * row + rowMm * 0.6;
  const draw = (lead: string, row: number, from: number, to: number, rhythm: boolean) => {
    const samples = leads.get(lead);
    if (!samples) return;
    const x = LEFT_MM + (from / samplingHz) * MM_PER_SECOND;
    const y = baseline(row);
    traces.push({ lead, x, y, d: tracePath(samples, samplingHz, from, to, x, y), rhythm });
  };
  let columnTicks: number[] = [];
  if (layout === 'grid') {
    const column = Math.floor(total / 4);
    GRID.forEach((names, row) => {
      rows.push(baseline(row));
      names.forEach((lead, c) => draw(lead, row, c * column, (c + 1) * column, false));
    });
    columnTicks = [1, 2, 3].map((c) => LEFT_MM + ((c * column) / samplingHz) * MM_PER_SECOND);
    rows.push(baseline(GRID.length));
    draw(RHYTHM_LEAD, GRID.length, 0, total, true);
  } else {
    const ordered = [...waveform.leads].sort((a, b) => order(a.label) - order(b.label));
    ordered.forEach((l, row) => {
      rows.push(baseline(row));
      draw(l.label, row, 0, total, false);
    });
  }
  return { width, height: rowMm * rows.length + 2, rows, traces, columnTicks, seconds };
}

const order = (label: string) => {
  const i = STANDARD_LEADS.indexOf(label);
  return i < 0 ? STANDARD_LEADS.length : i;
};

/** The 1 mV, 200 ms calibration pulse at the start of a row. */
export const calibrationPath = (y: number) =>
  `M1 ${y} L2 ${y} L2 ${y - MM_PER_MV} L${2 + 0.2 * MM_PER_SECOND} ${y - MM_PER_MV} L${2 + 0.2 * MM_PER_SECOND} ${y} L${LEFT_MM - 1} ${y}`;
