import { type EcgLead, type EcgWaveform, leadName, millivoltsPer, withDerivedLimbLeads } from './waveform';

// HL7 v3 annotated ECG (FDA aECG): AnnotatedECG/component/series/component/sequenceSet/component/sequence, one
// sequence per lead (code MDC_ECG_LEAD_*) with SLIST_PQ values (origin + scale × digits) and one time sequence whose
// GLIST increment is the sampling interval.

const byLocalName = (parent: Element | Document, name: string): Element[] =>
  [...parent.getElementsByTagNameNS('*', name)].filter((e) => e.localName === name);

const child = (parent: Element, name: string): Element | undefined =>
  [...parent.children].find((e) => e.localName === name);

const quantity = (e: Element | undefined) => ({
  value: Number(e?.getAttribute('value') ?? Number.NaN),
  unit: e?.getAttribute('unit') ?? '',
});

function seconds({ value, unit }: { value: number; unit: string }): number {
  return unit === 'ms' ? value / 1000 : unit === 'us' ? value / 1e6 : value;
}

/** The rhythm waveform of an aECG document's first series; throws with a reason a reader can act on. */
export function parseAecg(xml: string): EcgWaveform {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length > 0) throw new Error('The aECG file is not well-formed XML');
  const sequenceSet = byLocalName(doc, 'sequenceSet')[0];
  if (!sequenceSet) throw new Error('The aECG file holds no waveform (no sequenceSet)');
  let samplingHz = 0;
  const leads: EcgLead[] = [];
  for (const sequence of byLocalName(sequenceSet, 'sequence')) {
    const code = child(sequence, 'code')?.getAttribute('code') ?? '';
    const value = child(sequence, 'value');
    if (!value) continue;
    if (code.startsWith('TIME_')) {
      const interval = seconds(quantity(child(value, 'increment')));
      if (interval > 0) samplingHz = 1 / interval;
      continue;
    }
    const digits = child(value, 'digits')?.textContent?.trim();
    if (!code.startsWith('MDC_ECG_LEAD_') || !digits) continue;
    const origin = quantity(child(value, 'origin'));
    const scale = quantity(child(value, 'scale'));
    const offset = Number.isFinite(origin.value) ? origin.value * millivoltsPer(origin.unit) : 0;
    const step = scale.value * millivoltsPer(scale.unit);
    const samples = Float32Array.from(digits.split(/\s+/), (d) => offset + step * Number(d));
    leads.push({ label: leadName(code.slice('MDC_ECG_LEAD_'.length)), samples });
  }
  if (leads.length === 0) throw new Error('The aECG file holds no lead sequences (MDC_ECG_LEAD_*)');
  if (!(samplingHz > 0)) throw new Error('The aECG file does not give the sampling interval (time sequence increment)');
  return withDerivedLimbLeads({ samplingHz, leads, source: 'aecg' });
}
