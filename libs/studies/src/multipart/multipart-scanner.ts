import { DomainError } from '@hub/core';

export type ScanEvent =
  | { type: 'headers'; headers: Record<string, string> }
  | { type: 'data'; data: Buffer }
  | { type: 'part-end' }
  | { type: 'end' };

export interface ScanLimits {
  maxParts: number;
  maxHeaderBytes: number;
  /** Bytes allowed before the first boundary (RFC 2046 preamble); past it the boundary is taken to be wrong. */
  maxPreambleBytes: number;
}

type State = 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'epilogue';

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
/** Transport padding allowed after a boundary before its CRLF (RFC 2046 §5.1.1). */
const MAX_PADDING = 256;

const invalid = (message: string) => new DomainError('invalid', message);

/**
 * multipart/* framing (RFC 2046 §5.1) as a push parser: chunks in, events out. Part data is handed out as slices of
 * the chunks; the only bytes held back are a possible start of the delimiter ("\r\n--boundary", at most its length)
 * and, while they are read, part headers (at most maxHeaderBytes).
 */
export class MultipartScanner {
  private readonly delimiter: Buffer;
  private state: State = 'preamble';
  // The body is treated as starting with CRLF so that a boundary on the very first line is found like any other.
  private carry: Buffer = CRLF;
  private preambleBytes = 0;
  private parts = 0;

  constructor(
    private readonly boundary: string,
    private readonly limits: ScanLimits,
  ) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
  }

  push(chunk: Buffer): ScanEvent[] {
    const events: ScanEvent[] = [];
    let rest = chunk;
    while (rest.length > 0 && this.state !== 'epilogue') {
      rest = this.step(rest, events);
    }
    return events;
  }

  /** The source ended: anything but a completed close delimiter is an error. */
  end(): ScanEvent[] {
    if (this.state === 'epilogue') return [];
    if (this.state === 'preamble') {
      throw invalid(
        this.preambleBytes === 0
          ? 'The multipart body is empty'
          : `The multipart body has no boundary line "--${this.boundary}" (does the boundary parameter match the body?)`,
      );
    }
    throw invalid(`The multipart body is truncated: it ends without the closing boundary "--${this.boundary}--"`);
  }

  private step(input: Buffer, events: ScanEvent[]): Buffer {
    switch (this.state) {
      case 'preamble':
      case 'body':
        return this.scanForDelimiter(input, events);
      case 'after-delimiter':
        return this.afterDelimiter(input, events);
      case 'headers':
        return this.headers(input, events);
      default:
        return Buffer.alloc(0);
    }
  }

  private scanForDelimiter(input: Buffer, events: ScanEvent[]): Buffer {
    // Joining is rare: carry is only non-empty when the previous chunk ended in a possible delimiter start.
    const buf = this.carry.length > 0 ? Buffer.concat([this.carry, input]) : input;
    this.carry = Buffer.alloc(0);
    const index = buf.indexOf(this.delimiter);
    if (index !== -1) {
      this.emit(buf.subarray(0, index), events);
      if (this.state === 'body') events.push({ type: 'part-end' });
      this.state = 'after-delimiter';
      return buf.subarray(index + this.delimiter.length);
    }
    const keep = this.partialDelimiterAtEnd(buf);
    this.emit(buf.subarray(0, buf.length - keep), events);
    this.carry = Buffer.from(buf.subarray(buf.length - keep));
    return Buffer.alloc(0);
  }

  private emit(data: Buffer, events: ScanEvent[]): void {
    if (data.length === 0) return;
    if (this.state === 'body') {
      events.push({ type: 'data', data });
      return;
    }
    this.preambleBytes += data.length;
    if (this.preambleBytes > this.limits.maxPreambleBytes) {
      throw invalid(
        `No boundary line "--${this.boundary}" in the first ${this.limits.maxPreambleBytes} bytes of the multipart ` +
          'body (does the boundary parameter match the body?)',
      );
    }
  }

  /** Length of the longest end of `buf` that could be the start of the delimiter. */
  private partialDelimiterAtEnd(buf: Buffer): number {
    const longest = Math.min(buf.length, this.delimiter.length - 1);
    for (let k = longest; k > 0; k--) {
      if (buf[buf.length - k] === 0x0d && buf.subarray(buf.length - k).equals(this.delimiter.subarray(0, k))) return k;
    }
    return 0;
  }

  /** After "--boundary": "--" closes the body; otherwise optional padding, CRLF, and a part's headers follow. */
  private afterDelimiter(input: Buffer, events: ScanEvent[]): Buffer {
    const buf = this.carry.length > 0 ? Buffer.concat([this.carry, input]) : input;
    this.carry = Buffer.alloc(0);
    if (buf[0] === 0x2d) {
      if (buf.length < 2) return this.holdBack(buf);
      if (buf[1] !== 0x2d) throw this.badBoundaryLine();
      this.state = 'epilogue';
      events.push({ type: 'end' });
      return Buffer.alloc(0);
    }
    let pos = 0;
    while (pos < buf.length && (buf[pos] === 0x20 || buf[pos] === 0x09)) pos++;
    if (pos > MAX_PADDING) throw this.badBoundaryLine();
    if (pos + 2 > buf.length) {
      if (pos < buf.length && buf[pos] !== 0x0d) throw this.badBoundaryLine();
      return this.holdBack(buf);
    }
    if (buf[pos] !== 0x0d || buf[pos + 1] !== 0x0a) throw this.badBoundaryLine();
    this.parts++;
    if (this.parts > this.limits.maxParts) {
      throw invalid(`The multipart body has more than ${this.limits.maxParts} parts`);
    }
    this.state = 'headers';
    return buf.subarray(pos + 2);
  }

  private holdBack(buf: Buffer): Buffer {
    this.carry = Buffer.from(buf);
    return Buffer.alloc(0);
  }

  private badBoundaryLine(): DomainError {
    return invalid(
      `A line starting "--${this.boundary}" is not a boundary: it must be followed by CRLF or "--" ` +
        '(does the boundary parameter match the body?)',
    );
  }

  private headers(input: Buffer, events: ScanEvent[]): Buffer {
    // Take no more of the chunk than a header block may need, so a huge chunk is never copied here.
    const room = this.limits.maxHeaderBytes + HEADER_END.length - this.carry.length;
    const take = input.subarray(0, Math.max(0, room));
    const buf = this.carry.length > 0 ? Buffer.concat([this.carry, take]) : take;
    this.carry = Buffer.alloc(0);
    let blockEnd: number;
    let next: number;
    if (buf.length >= 2 && buf[0] === 0x0d && buf[1] === 0x0a) {
      blockEnd = 0;
      next = 2;
    } else {
      blockEnd = buf.indexOf(HEADER_END);
      next = blockEnd + HEADER_END.length;
    }
    if (blockEnd === -1) {
      if (buf.length > this.limits.maxHeaderBytes + HEADER_END.length - 1) {
        throw invalid(`The headers of part ${this.parts} are larger than ${this.limits.maxHeaderBytes} bytes`);
      }
      this.carry = Buffer.from(buf);
      return input.subarray(take.length);
    }
    if (blockEnd > this.limits.maxHeaderBytes) {
      throw invalid(`The headers of part ${this.parts} are larger than ${this.limits.maxHeaderBytes} bytes`);
    }
    events.push({ type: 'headers', headers: this.parseHeaders(buf.subarray(0, blockEnd).toString('latin1')) });
    this.state = 'body';
    // `next` is an offset in carry+take; what is left of this chunk starts at the same offset minus the old carry.
    const consumedFromInput = next - (buf.length - take.length);
    return input.subarray(consumedFromInput);
  }

  private parseHeaders(block: string): Record<string, string> {
    const headers = new Map<string, string>();
    if (block === '') return {};
    let last: string | undefined;
    for (const line of block.split('\r\n')) {
      if ((line.startsWith(' ') || line.startsWith('\t')) && last !== undefined) {
        headers.set(last, `${headers.get(last)} ${line.trim()}`);
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) throw invalid(`Part ${this.parts} has a malformed header line: "${line.slice(0, 80)}"`);
      last = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers.set(last, headers.has(last) ? `${headers.get(last)}, ${value}` : value);
    }
    return Object.fromEntries(headers);
  }
}
