import { TextDecoder } from 'node:util';

/** Decodes the bytes of a text value (SH, LO, UC, ST, LT, UT, PN) under one Specific Character Set (0008,0005). */
export interface CharsetDecoder {
  decode(bytes: Uint8Array, vr: string): string;
}

/** Character sets without code extensions (PS3.3 C.12.1.1.2), as WHATWG encoding labels. */
const STAND_ALONE: Record<string, string> = {
  '': 'latin1',
  'ISO_IR 6': 'latin1',
  'ISO_IR 100': 'latin1',
  'ISO_IR 101': 'iso-8859-2',
  'ISO_IR 109': 'iso-8859-3',
  'ISO_IR 110': 'iso-8859-4',
  'ISO_IR 144': 'iso-8859-5',
  'ISO_IR 127': 'iso-8859-6',
  'ISO_IR 126': 'iso-8859-7',
  'ISO_IR 138': 'iso-8859-8',
  'ISO_IR 148': 'iso-8859-9',
  'ISO_IR 203': 'iso-8859-15',
  'ISO_IR 13': 'shift_jis',
  'ISO_IR 166': 'windows-874',
  'ISO_IR 192': 'utf-8',
  GB18030: 'gb18030',
  GBK: 'gbk',
};

/** What a code element holds: G0 (bytes 0x21–0x7E) or G1 (bytes 0xA1–0xFE) of ISO 2022. */
type G0 = 'ascii' | 'jisx0208' | 'jisx0212';
type G1 = { label: string; doubleByte: boolean };
interface Designation {
  g0?: G0;
  g1?: G1;
}

const single = (label: string): Designation => ({ g1: { label, doubleByte: false } });
const KATAKANA = single('shift_jis');
const KS_X_1001: Designation = { g1: { label: 'euc-kr', doubleByte: true } };
const GB2312: Designation = { g1: { label: 'gb18030', doubleByte: true } };

/** Defined terms with code extensions (PS3.3 C.12.1.1.2, table C.12-3/C.12-4) and their initial designations. */
const ISO_2022_TERMS: Record<string, Designation> = {
  'ISO 2022 IR 6': { g0: 'ascii' },
  'ISO 2022 IR 100': single('latin1'),
  'ISO 2022 IR 101': single('iso-8859-2'),
  'ISO 2022 IR 109': single('iso-8859-3'),
  'ISO 2022 IR 110': single('iso-8859-4'),
  'ISO 2022 IR 144': single('iso-8859-5'),
  'ISO 2022 IR 127': single('iso-8859-6'),
  'ISO 2022 IR 126': single('iso-8859-7'),
  'ISO 2022 IR 138': single('iso-8859-8'),
  'ISO 2022 IR 148': single('iso-8859-9'),
  'ISO 2022 IR 203': single('iso-8859-15'),
  'ISO 2022 IR 13': KATAKANA,
  'ISO 2022 IR 166': single('windows-874'),
  'ISO 2022 IR 87': { g0: 'jisx0208' },
  'ISO 2022 IR 159': { g0: 'jisx0212' },
  'ISO 2022 IR 149': KS_X_1001,
  'ISO 2022 IR 58': GB2312,
};

/** Escape sequences after ESC (0x1B), as the characters that follow it. */
const ESCAPES: Record<string, Designation> = {
  '(B': { g0: 'ascii' },
  '(J': { g0: 'ascii' },
  $B: { g0: 'jisx0208' },
  '$@': { g0: 'jisx0208' },
  '$(D': { g0: 'jisx0212' },
  ')I': KATAKANA,
  '-A': single('latin1'),
  '-B': single('iso-8859-2'),
  '-C': single('iso-8859-3'),
  '-D': single('iso-8859-4'),
  '-L': single('iso-8859-5'),
  '-G': single('iso-8859-6'),
  '-F': single('iso-8859-7'),
  '-H': single('iso-8859-8'),
  '-M': single('iso-8859-9'),
  '-b': single('iso-8859-15'),
  '-T': single('windows-874'),
  '$)C': KS_X_1001,
  '$)A': GB2312,
};

const decoders = new Map<string, TextDecoder>();

/** Never throws: bytes that do not decode become U+FFFD. 'latin1' is real ISO 8859-1, not WHATWG's windows-1252. */
export function decodeWith(label: string, bytes: Uint8Array): string {
  if (label === 'latin1') return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  let decoder = decoders.get(label);
  if (!decoder) {
    decoder = new TextDecoder(label);
    decoders.set(label, decoder);
  }
  return decoder.decode(bytes);
}

/** The defined terms of (0008,0005), value 1 possibly empty (default repertoire). */
export function parseSpecificCharacterSet(raw: string | null | undefined): string[] {
  if (raw === null || raw === undefined) return [];
  return raw.split('\\').map((term) => term.trim());
}

export function charsetDecoder(terms: readonly string[]): CharsetDecoder {
  const first = terms[0] ?? '';
  const usesExtensions = terms.length > 1 || first.startsWith('ISO 2022');
  const standAlone = STAND_ALONE[first];
  // UTF-8 and the GB sets may not be combined with code extensions; value 1 decides.
  if (standAlone && (!usesExtensions || ['utf-8', 'gb18030', 'gbk'].includes(standAlone))) {
    return { decode: (bytes) => decodeWith(standAlone, bytes) };
  }
  if (!usesExtensions) return { decode: (bytes) => decodeWith('latin1', bytes) };
  const initial: Designation = ISO_2022_TERMS[first] ?? (standAlone ? single(standAlone) : {});
  return { decode: (bytes, vr) => decodeIso2022(bytes, vr, initial) };
}

const ESC = 0x1b;
const CONTROL_RESETS = new Set([0x09, 0x0a, 0x0c, 0x0d]);

/**
 * ISO 2022 decoding: escape sequences switch G0/G1, and every value, line and (for PN) component starts over in the
 * initial set (PS3.5 6.1.2.5.3). Multi-byte G0 sets are re-encoded as EUC-JP so one TextDecoder handles them.
 */
function decodeIso2022(bytes: Uint8Array, vr: string, initial: Designation): string {
  const resets = new Set(CONTROL_RESETS);
  if (!['LT', 'ST', 'UT'].includes(vr)) resets.add(0x5c);
  if (vr === 'PN') [0x5e, 0x3d].forEach((b) => resets.add(b));
  let g0: G0 = initial.g0 ?? 'ascii';
  let g1: G1 = initial.g1 ?? { label: 'latin1', doubleByte: false };
  let out = '';
  let run: number[] = [];
  let runLabel = 'latin1';
  const emit = (label: string, ...b: number[]) => {
    if (label !== runLabel) {
      out += decodeWith(runLabel, Uint8Array.from(run));
      run = [];
      runLabel = label;
    }
    run.push(...b);
  };
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === ESC) {
      const seq = [3, 2].map((n) => String.fromCharCode(...bytes.subarray(i + 1, i + 1 + n))).find((s) => ESCAPES[s]);
      if (seq) {
        const designation = ESCAPES[seq];
        g0 = designation.g0 ?? g0;
        g1 = designation.g1 ?? g1;
        i += seq.length;
        continue;
      }
    }
    if (b < 0x80) {
      if (g0 !== 'ascii' && b > 0x20 && i + 1 < bytes.length) {
        const pair = [b | 0x80, bytes[++i] | 0x80];
        emit('euc-jp', ...(g0 === 'jisx0212' ? [0x8f, ...pair] : pair));
        continue;
      }
      emit('latin1', b);
      if (resets.has(b)) {
        g0 = initial.g0 ?? 'ascii';
        g1 = initial.g1 ?? { label: 'latin1', doubleByte: false };
      }
      continue;
    }
    if (g1.doubleByte && i + 1 < bytes.length) emit(g1.label, b, bytes[++i]);
    else emit(g1.label, b);
  }
  return out + decodeWith(runLabel, Uint8Array.from(run));
}
