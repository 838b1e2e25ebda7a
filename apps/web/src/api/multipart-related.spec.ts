import { describe, expect, it } from '@jest/globals';
import { firstMultipartBody } from './multipart';

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

describe('firstMultipartBody', () => {
  // Binary content that contains CRLFs and a look-alike of the boundary without its leading CRLF.
  const body = join(enc('DICM'), Uint8Array.of(0, 13, 10, 13, 10, 255), enc('--b1 not a delimiter'));

  it('takes the part by its Content-Length', () => {
    const msg = join(
      enc(`--b1\r\nContent-Type: application/dicom\r\nContent-Length: ${body.length}\r\n\r\n`),
      body,
      enc('\r\n--b1--\r\n'),
    );
    expect(Array.from(firstMultipartBody(msg))).toEqual(Array.from(body));
  });

  it('takes the part up to the next delimiter when there is no Content-Length', () => {
    const msg = join(enc('--b1\r\nContent-Type: application/dicom\r\n\r\n'), body, enc('\r\n--b1--\r\n'));
    expect(Array.from(firstMultipartBody(msg))).toEqual(Array.from(body));
  });

  it('refuses a body that is not multipart or is cut short', () => {
    expect(() => firstMultipartBody(enc('DICM...'))).toThrow(/not multipart/);
    expect(() => firstMultipartBody(enc('--b1\r\nContent-Type: application/dicom\r\n'))).toThrow(/headers/);
    expect(() => firstMultipartBody(join(enc('--b1\r\n\r\n'), body))).toThrow(/closing boundary/);
  });
});
