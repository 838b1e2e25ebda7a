import { dictionary } from 'dcmjs/dictionary';

const hex4 = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');

/** dcmjs writes ambiguous VRs in lower case: "ox" (OB or OW), "xs" (US or SS), "lt" (US or OW), "up" (UL). */
const AMBIGUOUS: Record<string, string> = { ox: 'OW', xs: 'US', lt: 'OW', up: 'UL' };

/**
 * The VR an Implicit VR Little Endian stream leaves out, from the standard dictionary (dcmjs's copy).
 * Implicit VR means OW for OB/OW ambiguities (PS3.5 A.1); unknown and private tags are UN.
 */
export function vrForTag(tag: number): string {
  const group = tag >>> 16;
  const element = tag & 0xffff;
  if (element === 0x0000) return 'UL';
  if (group % 2 === 1) return element >= 0x0010 && element <= 0x00ff ? 'LO' : 'UN';
  let entry = dictionary[`(${hex4(group)},${hex4(element)})`];
  if (!entry && (group & 0xff00) === 0x6000) entry = dictionary[`(6000-60FF,${hex4(element)})`];
  if (!entry && (group & 0xff00) === 0x5000) entry = dictionary[`(5000-50FF,${hex4(element)})`];
  const vr = entry?.vr;
  if (!vr || vr === 'na') return 'UN';
  return AMBIGUOUS[vr] ?? vr;
}
