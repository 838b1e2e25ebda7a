export interface ContentType {
  /** "type/subtype" in lower case; '' when the header is empty or has no media type. */
  mediaType: string;
  /** Parameter names in lower case; values unquoted and as sent (boundaries are case-sensitive). */
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Parses a Content-Type or one media range of an Accept header (RFC 9110 §8.3, §5.6.6). Never throws: a parameter
 * that cannot be parsed is left out, and the first of repeated parameters wins.
 */
export function parseContentType(header: string): ContentType {
  const firstSemicolon = header.indexOf(';');
  const mediaType = (firstSemicolon === -1 ? header : header.slice(0, firstSemicolon)).trim().toLowerCase();
  const params = new Map<string, string>();
  let pos = firstSemicolon === -1 ? header.length : firstSemicolon + 1;
  while (pos < header.length) {
    const eq = header.indexOf('=', pos);
    const semicolon = header.indexOf(';', pos);
    if (eq === -1 || (semicolon !== -1 && semicolon < eq)) {
      pos = semicolon === -1 ? header.length : semicolon + 1;
      continue;
    }
    const name = header.slice(pos, eq).trim().toLowerCase();
    let value: string;
    pos = eq + 1;
    while (header[pos] === ' ' || header[pos] === '\t') pos++;
    if (header[pos] === '"') {
      value = '';
      pos++;
      while (pos < header.length && header[pos] !== '"') {
        if (header[pos] === '\\' && pos + 1 < header.length) pos++;
        value += header[pos++];
      }
      pos++;
      const next = header.indexOf(';', pos);
      pos = next === -1 ? header.length : next + 1;
    } else {
      const end = header.indexOf(';', pos);
      value = header.slice(pos, end === -1 ? header.length : end).trim();
      pos = end === -1 ? header.length : end + 1;
    }
    if (TOKEN.test(name) && !params.has(name)) params.set(name, value);
  }
  // fromEntries defines own properties, so a parameter named "__proto__" stays a parameter.
  return { mediaType, params: Object.fromEntries(params) };
}
