export const VERIFICATION = '1.2.840.10008.1.1';
export const STUDY_ROOT_FIND = '1.2.840.10008.5.1.4.1.2.2.1';
export const PATIENT_ROOT_FIND = '1.2.840.10008.5.1.4.1.2.1.1';
/** Every standard storage SOP class (images, waveforms such as 12-lead ECG, whole-slide images, SR …) lives here. */
const STORAGE_ROOT = '1.2.840.10008.5.1.4.1.1.';

const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
/** Standard transfer syntaxes: the uncompressed ones, deflate, and every encapsulated (JPEG, JPEG 2000, RLE …) one. */
const STANDARD_TRANSFER_SYNTAX = /^1\.2\.840\.10008\.1\.2(\.\d+)*$/;

export type ServiceKind = 'verification' | 'find' | 'store';

export type Negotiated =
  | { accepted: true; kind: ServiceKind; transferSyntaxUid: string }
  | { accepted: false; reason: 'abstract-syntax' | 'transfer-syntax' };

export function serviceOf(abstractSyntaxUid: string): ServiceKind | null {
  if (abstractSyntaxUid === VERIFICATION) return 'verification';
  if (abstractSyntaxUid === STUDY_ROOT_FIND || abstractSyntaxUid === PATIENT_ROOT_FIND) return 'find';
  if (abstractSyntaxUid.startsWith(STORAGE_ROOT)) return 'store';
  return null;
}

/**
 * The answer to one proposed presentation context. Instances are stored as sent, never transcoded, so any standard
 * transfer syntax will do for storage; explicit VR little endian is taken when offered (the encoding every reader
 * handles), otherwise the modality's first choice. Commands and queries need an uncompressed syntax.
 */
export function negotiate(abstractSyntaxUid: string, offered: readonly string[]): Negotiated {
  const kind = serviceOf(abstractSyntaxUid);
  if (!kind) return { accepted: false, reason: 'abstract-syntax' };
  const usable =
    kind === 'store'
      ? offered.filter((ts) => STANDARD_TRANSFER_SYNTAX.test(ts))
      : offered.filter((ts) => ts === EXPLICIT_LE || ts === IMPLICIT_LE);
  const chosen = usable.includes(EXPLICIT_LE) ? EXPLICIT_LE : usable[0];
  return chosen ? { accepted: true, kind, transferSyntaxUid: chosen } : { accepted: false, reason: 'transfer-syntax' };
}
