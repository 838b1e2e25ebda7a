import dcmjs from 'dcmjs';

const nameMap = dcmjs.data.DicomMetaDictionary.nameMap;

/** "PatientName" or "00100010" → "00100010"; null for an unknown keyword or a malformed tag. */
export function toTag(keyOrTag: string): string | null {
  if (/^[0-9A-Fa-f]{8}$/.test(keyOrTag)) return keyOrTag.toUpperCase();
  // An own entry only: "__proto__" or "constructor" would find the object's prototype, which has no tag.
  const entry = Object.hasOwn(nameMap, keyOrTag) ? nameMap[keyOrTag] : undefined;
  return entry?.tag ? entry.tag.replace(/[(),]/g, '').toUpperCase() : null;
}
