import dcmjs from 'dcmjs';

const nameMap = dcmjs.data.DicomMetaDictionary.nameMap;

/** "PatientName" or "00100010" → "00100010"; null for an unknown keyword or a malformed tag. */
export function toTag(keyOrTag: string): string | null {
  if (/^[0-9A-Fa-f]{8}$/.test(keyOrTag)) return keyOrTag.toUpperCase();
  const entry = nameMap[keyOrTag];
  return entry ? entry.tag.replace(/[(),]/g, '').toUpperCase() : null;
}
