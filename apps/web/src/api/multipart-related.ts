import { ApiError } from './http';

const CRLF = [13, 10];
const CRLF2 = [13, 10, 13, 10];

function indexOf(bytes: Uint8Array, needle: ArrayLike<number>, from: number): number {
  outer: for (let i = from; i <= bytes.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * The body of the first part of a multipart/related answer (WADO-RS sends one instance per part). The boundary is read
 * off the body's first line, so the caller needs no response headers; the part's Content-Length bounds it when given
 * and within the body, else the next delimiter does.
 */
export function firstPart(body: Uint8Array): Uint8Array {
  const ascii = new TextDecoder('latin1');
  const lineEnd = indexOf(body, CRLF, 0);
  // The delimiter line: "--" and the boundary, perhaps followed by whitespace (RFC 2046's transport padding).
  const delimiter = lineEnd > 2 ? ascii.decode(body.subarray(0, lineEnd)).trimEnd() : '';
  if (!delimiter.startsWith('--')) throw new ApiError(0, 'The hub did not answer with a multipart body');
  const headersEnd = indexOf(body, CRLF2, lineEnd);
  if (headersEnd < 0) throw new ApiError(0, 'The multipart answer ends inside a part header');
  const start = headersEnd + CRLF2.length;
  const headers = ascii.decode(body.subarray(lineEnd + 2, headersEnd));
  const length = /^content-length:\s*(\d+)\s*$/im.exec(headers)?.[1];
  if (length !== undefined && start + Number(length) <= body.length)
    return body.subarray(start, start + Number(length));
  const end = indexOf(
    body,
    Uint8Array.from(`\r\n${delimiter}`, (c) => c.charCodeAt(0)),
    start,
  );
  if (end < 0) throw new ApiError(0, 'The multipart answer has no closing boundary');
  return body.subarray(start, end);
}
