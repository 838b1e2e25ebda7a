const CRLF_CRLF = [13, 10, 13, 10];
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

function indexOf(haystack: Uint8Array, needle: ArrayLike<number>, from = 0): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * The body of the first part of a multipart/related answer (WADO-RS sends one DICOM file per part). The boundary is
 * read from the body's first line, so the Content-Type header is not needed; a part's Content-Length, when given,
 * bounds it, else the next delimiter does.
 */
export function firstMultipartBody(bytes: Uint8Array): Uint8Array {
  const lineEnd = indexOf(bytes, [13, 10]);
  const first = lineEnd > 2 ? new TextDecoder().decode(bytes.subarray(0, lineEnd)) : '';
  if (!first.startsWith('--')) throw new Error('The answer is not multipart: no boundary on its first line');
  const headersEnd = indexOf(bytes, CRLF_CRLF, lineEnd);
  if (headersEnd < 0) throw new Error('The multipart answer ends inside the headers of its first part');
  const start = headersEnd + CRLF_CRLF.length;
  const headers = new TextDecoder().decode(bytes.subarray(lineEnd + 2, headersEnd));
  const length = /^content-length:\s*(\d+)\s*$/im.exec(headers)?.[1];
  if (length !== undefined && start + Number(length) <= bytes.length) {
    return bytes.subarray(start, start + Number(length));
  }
  const end = indexOf(bytes, ascii(`\r\n${first.trim()}`), start);
  if (end < 0) throw new Error('The multipart answer has no closing boundary');
  return bytes.subarray(start, end);
}
