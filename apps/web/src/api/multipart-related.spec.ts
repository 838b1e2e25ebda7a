import { describe, expect, it } from '@jest/globals';
import { firstPart } from './multipart-related';

const enc = (s: string) => new TextEncoder().encode(s);
const join = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

describe('firstPart', () => {
  // Binary content that contains CRLFs and a look-alike of the boundary without its leading CRLF.
  const body = join(enc('DICM'), Uint8Array.of(0, 13, 10, 13, 10, 255), enc('--b1 not a delimiter'));

  it('takes the part by its Content-Length', () => {
    const msg = join(
      enc(`--b1\r\nContent-Type: application/dicom\r\nContent-Length: ${body.length}\r\n\r\n`),
      body,
      enc('\r\n--b1--\r\n'),
    );
    expect(Array.from(firstPart(msg))).toEqual(Array.from(body));
  });

  it('takes the part up to the next delimiter when there is no Content-Length', () => {
    const msg = join(enc('--b1\r\nContent-Type: application/dicom\r\n\r\n'), body, enc('\r\n--b1--\r\n'));
    expect(Array.from(firstPart(msg))).toEqual(Array.from(body));
  });

  it('takes the part up to the next delimiter when its Content-Length runs past the body', () => {
    const msg = join(
      enc(`--b1 \r\nContent-Type: application/dicom\r\nContent-Length: ${body.length + 1000}\r\n\r\n`),
      body,
      enc('\r\n--b1--\r\n'),
    );
    expect(Array.from(firstPart(msg))).toEqual(Array.from(body));
  });

  it('refuses a body that is not multipart or is cut short', () => {
    expect(() => firstPart(enc('DICM...'))).toThrow(/not answer with a multipart body/);
    expect(() => firstPart(enc('--b1\r\nContent-Type: application/dicom\r\n'))).toThrow(/inside a part header/);
    expect(() => firstPart(join(enc('--b1\r\n\r\n'), body))).toThrow(/closing boundary/);
    const truncated = join(enc(`--b1\r\nContent-Length: ${body.length}\r\n\r\n`), body.subarray(0, 3));
    expect(() => firstPart(truncated)).toThrow(/closing boundary/);
  });
});
