/** One lead of a recording, in millivolts. */
export interface EcgLead {
  label: string;
  /** mV, one value per sample. */
  samples: Float32Array;
}

/** A multichannel ECG recording, whatever file it came from. */
export interface EcgWaveform {
  samplingHz: number;
  leads: EcgLead[];
  source: 'dicom' | 'aecg';
}

/** The twelve standard leads in the order of the usual printout. */
export const STANDARD_LEADS: readonly string[] = [
  'I',
  'II',
  'III',
  'aVR',
  'aVL',
  'aVF',
  'V1',
  'V2',
  'V3',
  'V4',
  'V5',
  'V6',
];

/**
 * The standard name of a lead from a label, code or code meaning ("Lead I (Einthoven)", "MDC_ECG_LEAD_AVR", "V2"),
 * or the text itself when it names none of the twelve.
 */
export function leadName(text: string): string {
  const m = /(?:^|[\s_(-])(III|II|I|AV[RLF]|V[1-6])(?=$|[\s_)-])/i.exec(text.trim());
  if (!m) return text.trim();
  const name = m[1]!.toUpperCase();
  return name.startsWith('AV') ? `aV${name.slice(2)}` : name;
}

/**
 * Many recorders store eight leads (I, II, V1–V6): the limb leads follow from Einthoven's and Goldberger's relations.
 * Leads the recording has are kept as they are.
 */
export function withDerivedLimbLeads(waveform: EcgWaveform): EcgWaveform {
  const byName = new Map(waveform.leads.map((l) => [l.label, l.samples]));
  const i = byName.get('I');
  const ii = byName.get('II');
  if (!i || !ii || i.length !== ii.length) return waveform;
  const derive = (f: (a: number, b: number) => number) => Float32Array.from(i, (a, k) => f(a, ii[k]!));
  const derived: Record<string, () => Float32Array> = {
    III: () => derive((a, b) => b - a),
    aVR: () => derive((a, b) => -(a + b) / 2),
    aVL: () => derive((a, b) => a - b / 2),
    aVF: () => derive((a, b) => b - a / 2),
  };
  const leads = [...waveform.leads];
  for (const [label, make] of Object.entries(derived)) {
    if (!byName.has(label)) leads.push({ label, samples: make() });
  }
  return { ...waveform, leads };
}

/** Millivolts per unit of the channel's sensitivity unit (UCUM codes as DICOM and aECG use them). */
export function millivoltsPer(unit: string | null | undefined): number {
  switch ((unit ?? '').trim()) {
    case 'uV':
    case 'µV':
      return 0.001;
    case 'mV':
      return 1;
    case 'V':
      return 1000;
    case 'nV':
      return 1e-6;
    default:
      return 0.001; // DICOM's ECG templates use µV; a missing unit is taken as µV
  }
}
