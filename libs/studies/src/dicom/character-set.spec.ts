import { describe, expect, it } from '@jest/globals';
import { charsetDecoder, parseSpecificCharacterSet } from './character-set.js';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const decode = (charset: string, value: Buffer, vr = 'PN') =>
  charsetDecoder(parseSpecificCharacterSet(charset)).decode(value, vr);

describe('Specific Character Set decoding', () => {
  it('decodes GB18030 and GBK', () => {
    expect(decode('GB18030', bytes('Wang^XiaoDong=', [0xcd, 0xf5, 0x5e, 0xd0, 0xa1, 0xb6, 0xab]))).toBe(
      'Wang^XiaoDong=王^小东',
    );
    expect(decode('GBK', bytes([0xcd, 0xf5]))).toBe('王');
    // A four-byte GB18030 sequence (U+20000, the first character outside the BMP and outside GBK).
    expect(decode('GB18030', bytes([0x95, 0x32, 0x82, 0x36]))).toBe('\u{20000}');
  });

  it('decodes UTF-8', () => {
    expect(decode('ISO_IR 192', Buffer.from('Wang^XiaoDong=王^小東', 'utf8'))).toBe('Wang^XiaoDong=王^小東');
  });

  it('decodes ISO_IR 100 as ISO 8859-1, not windows-1252', () => {
    expect(decode('ISO_IR 100', bytes('Buc^J', [0xe9], 'r', [0xf4], 'me'))).toBe('Buc^Jérôme');
    expect(decode('ISO_IR 100', bytes([0x80]))).toBe('\u0080');
  });

  it('decodes the default repertoire (no charset) byte for byte', () => {
    expect(decode('', bytes('Doe^John'))).toBe('Doe^John');
    expect(charsetDecoder([]).decode(bytes('Doe'), 'LO')).toBe('Doe');
  });

  it('decodes other single-byte sets', () => {
    expect(decode('ISO_IR 144', bytes([0xbb, 0xee, 0xda]))).toBe('Люк');
    expect(decode('ISO_IR 126', bytes([0xc4, 0xe9]))).toBe('Δι');
  });

  it('decodes ISO 2022 IR 58 (GB2312) after its escape sequence', () => {
    const value = bytes(
      'Wang^XiaoDong=',
      [0x1b, 0x24, 0x29, 0x41, 0xcd, 0xf5, 0x5e, 0x1b, 0x24, 0x29, 0x41, 0xd0, 0xa1],
    );
    expect(decode('\\ISO 2022 IR 58', value)).toBe('Wang^XiaoDong=王^小');
  });

  it('decodes ISO 2022 IR 87 (JIS X 0208) and switches back to ASCII', () => {
    const value = bytes(
      'Yamada^Tarou=',
      [0x1b, 0x24, 0x42],
      ';3ED',
      [0x1b, 0x28, 0x42],
      '^',
      [0x1b, 0x24, 0x42],
      'B@O:',
    );
    expect(decode('\\ISO 2022 IR 87', value)).toBe('Yamada^Tarou=山田^太郎');
  });

  it('resets to the initial set at each PN delimiter even without an escape back', () => {
    const value = bytes([0x1b, 0x24, 0x29, 0x43, 0xc8, 0xab], '^Gil');
    expect(decode('\\ISO 2022 IR 149', value)).toBe('홍^Gil');
  });

  it('never throws on bytes that do not decode', () => {
    expect(decode('ISO_IR 192', bytes([0xff, 0xfe, 0x41]))).toBe('\uFFFD\uFFFDA');
    expect(decode('\\ISO 2022 IR 87', bytes([0x1b, 0x24, 0x42, 0x7f]))).toEqual(expect.any(String));
    expect(decode('NO SUCH CHARSET', bytes('abc'))).toBe('abc');
  });
});
