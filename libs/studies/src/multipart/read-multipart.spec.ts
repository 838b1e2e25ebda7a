import { createCipheriv, createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from '@jest/globals';
import { DomainError } from '@hub/core';
import { readMultipart, type MultipartLimits } from './read-multipart.js';

const BOUNDARY = 'DICOMwebBoundary-7d3a';
const LIMITS: MultipartLimits = { maxParts: 100, maxHeaderBytes: 1024 };

interface TestPart {
  headers?: string[];
  body: Buffer;
}

function multipart(parts: TestPart[], opts: { preamble?: string; epilogue?: string; boundary?: string } = {}): Buffer {
  const boundary = opts.boundary ?? BOUNDARY;
  const chunks: Buffer[] = [];
  if (opts.preamble !== undefined) chunks.push(Buffer.from(`${opts.preamble}\r\n`));
  for (const part of parts) {
    const headers = (part.headers ?? ['Content-Type: application/dicom']).map((h) => `${h}\r\n`).join('');
    chunks.push(Buffer.from(`--${boundary}\r\n${headers}\r\n`), part.body, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--`));
  if (opts.epilogue !== undefined) chunks.push(Buffer.from(`\r\n${opts.epilogue}`));
  return Buffer.concat(chunks);
}

function pseudoRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** Splits `data` into chunks: a fixed size, or random sizes up to `max`. */
function chunked(data: Buffer, size: number | { seed: number; max: number }): Buffer[] {
  const chunks: Buffer[] = [];
  const next =
    typeof size === 'number'
      ? () => size
      : (
          (r) => () =>
            1 + Math.floor(r() * size.max)
        )(pseudoRandom(size.seed));
  for (let at = 0; at < data.length;) {
    const n = next();
    chunks.push(data.subarray(at, at + n));
    at += n;
  }
  return chunks;
}

async function collect(
  body: Readable,
  limits: MultipartLimits = LIMITS,
  boundary = BOUNDARY,
): Promise<{ headers: Record<string, string>; body: Buffer }[]> {
  const parts = [];
  for await (const part of readMultipart(body, boundary, limits)) {
    const content: Buffer[] = [];
    for await (const chunk of part.body) content.push(chunk as Buffer);
    parts.push({ headers: part.headers, body: Buffer.concat(content) });
  }
  return parts;
}

async function invalid(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).kind).toBe('invalid');
  return (error as DomainError).message;
}

// Content that looks like the boundary in every way but one.
const tricky = Buffer.concat([
  Buffer.from(`\r\n--${BOUNDARY.slice(0, -1)}X\r\n`),
  Buffer.from(`x--${BOUNDARY}\r\n`), // not at the start of a line: content
  Buffer.from('\r\n\r\n\r\r\n-'),
  Buffer.from([0, 255, 13, 10, 45, 45]),
]);

describe('readMultipart', () => {
  const parts: TestPart[] = [
    { headers: ['Content-Type: application/dicom', 'Content-Location: a.dcm'], body: Buffer.from('first part') },
    { body: tricky },
    { body: Buffer.alloc(0) },
    { headers: [], body: Buffer.from('no headers at all') },
    { body: Buffer.from('ends with CRLF\r\n') },
  ];
  const body = multipart(parts, { preamble: 'This is a preamble.\r\nIt has lines.', epilogue: 'And an epilogue.' });

  const chunkings: [string, number | { seed: number; max: number }][] = [
    ['one chunk', body.length],
    ['1-byte chunks', 1],
    ['2-byte chunks', 2],
    ['boundary-length chunks', BOUNDARY.length + 4],
    ['random chunks (seed 1)', { seed: 1, max: 16 }],
    ['random chunks (seed 2)', { seed: 2, max: 64 }],
    ['random chunks (seed 3)', { seed: 3, max: 200 }],
  ];
  it.each(chunkings)('reads parts, preamble and epilogue in %s', async (_name, size) => {
    const result = await collect(Readable.from(chunked(body, size)));
    expect(result.map((p) => p.body)).toEqual(parts.map((p) => p.body));
    expect(result[0].headers).toEqual({ 'content-type': 'application/dicom', 'content-location': 'a.dcm' });
    expect(result[3].headers).toEqual({});
  });

  it('reads a boundary on the very first line, transport padding and folded headers', async () => {
    const raw = Buffer.from(
      `--${BOUNDARY}  \t\r\nContent-Type: application/dicom;\r\n transfer-syntax=1.2.840.10008.1.2.1\r\n\r\nabc\r\n--${BOUNDARY}--`,
    );
    for (const size of [1, 3, raw.length]) {
      const [part] = await collect(Readable.from(chunked(raw, size)));
      expect(part.headers['content-type']).toBe('application/dicom; transfer-syntax=1.2.840.10008.1.2.1');
      expect(part.body.toString()).toBe('abc');
    }
  });

  it('streams 8 MiB of random content across random chunk borders unchanged', async () => {
    // AES-CTR over zeros: deterministic random-looking bytes, fast to make.
    const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, 1), Buffer.alloc(16, 2));
    const big = cipher.update(Buffer.alloc(8 * 1024 * 1024));
    // Seed the content with delimiter look-alikes.
    for (let at = 1000; at < big.length - 100; at += 99_991)
      big.write(`\r\n--${BOUNDARY.slice(0, at % 20)}`, at, 'latin1');
    const raw = multipart([{ body: big }, { body: Buffer.from('tail') }]);
    const result = await collect(Readable.from(chunked(raw, { seed: 9, max: 70_000 })));
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(result.map((p) => sha(p.body))).toEqual([sha(big), sha(Buffer.from('tail'))]);
  });

  it('does not read ahead of a slow consumer: memory stays near one chunk', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    let pulled = 0;
    const source = Readable.from(
      (function* () {
        yield Buffer.from(`--${BOUNDARY}\r\n\r\n`);
        for (let i = 0; i < 1000; i++) {
          pulled += chunk.length;
          yield chunk;
        }
        yield Buffer.from(`\r\n--${BOUNDARY}--`);
      })(),
      { objectMode: false, highWaterMark: chunk.length },
    );
    let consumed = 0;
    let maxAhead = 0;
    for await (const part of readMultipart(source, BOUNDARY, LIMITS)) {
      for await (const data of part.body) {
        consumed += (data as Buffer).length;
        maxAhead = Math.max(maxAhead, pulled - consumed);
        await tick();
      }
    }
    expect(consumed).toBe(64 * 1024 * 1000);
    // 64 MiB went through; never more than a few chunks (stream buffers included) were held.
    expect(maxAhead).toBeLessThan(6 * chunk.length);
  });

  it('drains a part the consumer ignores, or destroys, before giving the next one', async () => {
    const raw = multipart([
      { body: Buffer.alloc(300_000, 1) },
      { body: Buffer.alloc(300_000, 2) },
      { body: Buffer.from('third') },
    ]);
    const seen: string[] = [];
    let index = 0;
    for await (const part of readMultipart(Readable.from(chunked(raw, 4096)), BOUNDARY, LIMITS)) {
      index++;
      if (index === 1) continue;
      if (index === 2) {
        part.body.destroy();
        continue;
      }
      const content: Buffer[] = [];
      for await (const c of part.body) content.push(c as Buffer);
      seen.push(Buffer.concat(content).toString());
    }
    expect(index).toBe(3);
    expect(seen).toEqual(['third']);
  });

  it('stops reading without destroying the source when the consumer leaves early', async () => {
    const source = Readable.from(chunked(body, 8));
    for await (const part of readMultipart(source, BOUNDARY, LIMITS)) {
      part.body.resume();
      break;
    }
    await tick();
    expect(source.destroyed).toBe(false);
  });

  it('passes an error of the source to the part body and to the loop', async () => {
    const source = new Readable({ read() {} });
    source.push(Buffer.from(`--${BOUNDARY}\r\n\r\nsome data`));
    const failure = new Error('connection reset');
    const seen: unknown[] = [];
    const loop = (async () => {
      for await (const part of readMultipart(source, BOUNDARY, LIMITS)) {
        part.body.on('error', (e) => seen.push(e));
        part.body.resume();
        source.destroy(failure);
      }
    })();
    await expect(loop).rejects.toBe(failure);
    expect(seen).toEqual([failure]);
  });

  describe('rejects with DomainError(invalid)', () => {
    it('a body without any boundary line', async () => {
      expect(await invalid(collect(Readable.from([Buffer.from('just some bytes\r\n')])))).toMatch(/no boundary line/);
    });

    it('an empty body', async () => {
      expect(await invalid(collect(Readable.from([])))).toMatch(/empty/);
    });

    it('a body that uses another boundary', async () => {
      const raw = multipart([{ body: Buffer.from('x') }], { boundary: 'other-boundary' });
      expect(await invalid(collect(Readable.from([raw])))).toMatch(/no boundary line/);
    });

    it('a boundary parameter that is a prefix of the real one', async () => {
      const raw = multipart([{ body: Buffer.from('x') }], { boundary: `${BOUNDARY}-longer` });
      expect(await invalid(collect(Readable.from([raw])))).toMatch(/is not a boundary/);
    });

    it.each([
      ['inside a part body', `--${BOUNDARY}\r\n\r\nhalf a part`],
      ['inside part headers', `--${BOUNDARY}\r\nContent-Type: appl`],
      ['right after a boundary', `--${BOUNDARY}`],
      ['after a delimiter without the closing one', `--${BOUNDARY}\r\n\r\nabc\r\n--${BOUNDARY}\r\n`],
    ])('a body truncated %s', async (_where, raw) => {
      for (const size of [1, raw.length]) {
        const message = await invalid(collect(Readable.from(chunked(Buffer.from(raw), size))));
        expect(message).toMatch(/truncated/);
      }
    });

    it('part headers larger than maxHeaderBytes', async () => {
      const raw = multipart([{ headers: [`X-Big: ${'a'.repeat(2000)}`], body: Buffer.from('x') }]);
      for (const size of [1, 100, raw.length]) {
        expect(await invalid(collect(Readable.from(chunked(raw, size))))).toMatch(/larger than 1024 bytes/);
      }
    });

    it('more parts than maxParts', async () => {
      const raw = multipart(Array.from({ length: 4 }, () => ({ body: Buffer.from('x') })));
      const message = await invalid(collect(Readable.from([raw]), { maxParts: 3, maxHeaderBytes: 1024 }));
      expect(message).toMatch(/more than 3 parts/);
    });

    it('a malformed header line', async () => {
      const raw = multipart([{ headers: ['no colon here'], body: Buffer.from('x') }]);
      expect(await invalid(collect(Readable.from([raw])))).toMatch(/malformed header/);
    });

    it('a preamble longer than maxPreambleBytes', async () => {
      const raw = multipart([{ body: Buffer.from('x') }], { preamble: 'p'.repeat(5000) });
      const limits = { ...LIMITS, maxPreambleBytes: 1000 };
      expect(await invalid(collect(Readable.from(chunked(raw, 512)), limits))).toMatch(/first 1000 bytes/);
    });

    it('an unusable boundary parameter', async () => {
      await invalid(collect(Readable.from([body]), LIMITS, ''));
      await invalid(collect(Readable.from([body]), LIMITS, 'line\r\nbreak'));
    });
  });
});
