import { type DataSet, parseDicom } from 'dicom-parser';
import { type EcgLead, type EcgWaveform, leadName, millivoltsPer } from './waveform';

// PS3.3 C.10.9 Waveform module.
const T = {
  TransferSyntax: 'x00020010',
  WaveformSequence: 'x54000100',
  Originality: 'x003a0004',
  Channels: 'x003a0005',
  Samples: 'x003a0010',
  SamplingFrequency: 'x003a001a',
  ChannelDefinitions: 'x003a0200',
  ChannelSource: 'x003a0208',
  ChannelLabel: 'x003a0203',
  Sensitivity: 'x003a0210',
  SensitivityUnits: 'x003a0211',
  CorrectionFactor: 'x003a0212',
  Baseline: 'x003a0213',
  BitsAllocated: 'x54001004',
  Interpretation: 'x54001006',
  WaveformData: 'x54001010',
  CodeValue: 'x00080100',
  CodeMeaning: 'x00080104',
} as const;

const BIG_ENDIAN = '1.2.840.10008.1.2.2';

/** A multiplex group's sample reader for its bits and interpretation; null for µ-law / A-law, which we do not decode. */
function sampleReader(bits: number | undefined, interpretation: string | undefined, littleEndian: boolean) {
  switch (`${interpretation ?? ''}${bits ?? ''}`) {
    case 'SS16':
      return (v: DataView, at: number) => v.getInt16(at * 2, littleEndian);
    case 'US16':
      return (v: DataView, at: number) => v.getUint16(at * 2, littleEndian);
    case 'SB8':
      return (v: DataView, at: number) => v.getInt8(at);
    case 'UB8':
      return (v: DataView, at: number) => v.getUint8(at);
    case 'SL32':
      return (v: DataView, at: number) => v.getInt32(at * 4, littleEndian);
    default:
      return null;
  }
}

const firstItem = (ds: DataSet, tag: string): DataSet | undefined => ds.elements[tag]?.items?.[0]?.dataSet;

function channelLabel(def: DataSet, index: number): string {
  const source = firstItem(def, T.ChannelSource);
  const text =
    def.string(T.ChannelLabel) ?? source?.string(T.CodeMeaning) ?? source?.string(T.CodeValue) ?? `${index + 1}`;
  return leadName(text);
}

function readGroup(group: DataSet, littleEndian: boolean): EcgWaveform | null {
  const channels = group.uint16(T.Channels) ?? 0;
  const samples = group.uint32(T.Samples) ?? 0;
  const samplingHz = group.floatString(T.SamplingFrequency) ?? 0;
  const data = group.elements[T.WaveformData];
  const read = sampleReader(group.uint16(T.BitsAllocated), group.string(T.Interpretation), littleEndian);
  const defs = group.elements[T.ChannelDefinitions]?.items ?? [];
  if (!channels || !samples || !samplingHz || !data || !read || defs.length < channels) return null;
  const view = new DataView(group.byteArray.buffer, group.byteArray.byteOffset + data.dataOffset, data.length);
  const leads: EcgLead[] = [];
  for (let c = 0; c < channels; c++) {
    const def = defs[c]!.dataSet!;
    const unit = firstItem(def, T.SensitivityUnits)?.string(T.CodeValue);
    const scale = (def.floatString(T.Sensitivity) ?? 1) * (def.floatString(T.CorrectionFactor) ?? 1);
    const baseline = def.floatString(T.Baseline) ?? 0;
    const toMv = millivoltsPer(unit);
    const values = new Float32Array(samples);
    // Samples are interleaved: sample 0 of every channel, then sample 1, …
    for (let s = 0; s < samples; s++) values[s] = (read(view, s * channels + c) * scale + baseline) * toMv;
    leads.push({ label: channelLabel(def, c), samples: values });
  }
  return { samplingHz, leads, source: 'dicom' };
}

/**
 * The rhythm recording of a DICOM waveform instance (Part 10 bytes): of its multiplex groups, the ORIGINAL one with the
 * most channels and samples (a DERIVED group is usually a median beat). Null when the instance holds no readable group.
 */
export function parseDicomWaveform(part10: Uint8Array): EcgWaveform | null {
  const ds = parseDicom(part10);
  const littleEndian = ds.string(T.TransferSyntax) !== BIG_ENDIAN;
  const groups = (ds.elements[T.WaveformSequence]?.items ?? []).flatMap((i) => (i.dataSet ? [i.dataSet] : []));
  const rank = (g: DataSet) =>
    (g.string(T.Originality) === 'ORIGINAL' ? 1e12 : 0) +
    (g.uint16(T.Channels) ?? 0) * 1e7 +
    (g.uint32(T.Samples) ?? 0);
  for (const group of [...groups].sort((a, b) => rank(b) - rank(a))) {
    const waveform = readGroup(group, littleEndian);
    if (waveform) return waveform;
  }
  return null;
}
