import { Readable } from 'node:stream';
import { DomainError } from '@hub/core';
import { MultipartScanner, type ScanEvent } from './multipart-scanner.js';

export interface MultipartPart {
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The part's content, streamed; read or drain it (resume()) before asking for the next part. */
  body: Readable;
}

export interface MultipartLimits {
  maxParts: number;
  maxHeaderBytes: number;
  /** Default 64 KiB. */
  maxPreambleBytes?: number;
}

const DEFAULT_MAX_PREAMBLE_BYTES = 64 * 1024;
// RFC 2046 allows 70 characters; some clients send longer ones, which cost nothing to accept.
const BOUNDARY = /^[\x20-\x7e]{1,200}$/;

/**
 * Streams the parts of a multipart/* body (RFC 2046): each part's body is a Readable fed straight from `body`
 * with backpressure, so memory stays at about one chunk whatever the part sizes. Framing problems reject with
 * DomainError('invalid'); errors of `body` itself pass through unchanged. Leaving the loop early stops reading
 * but does not destroy `body` (for an HTTP request that would cut the connection before the error response).
 */
export async function* readMultipart(
  body: Readable,
  boundary: string,
  limits: MultipartLimits,
): AsyncGenerator<MultipartPart, void, undefined> {
  if (!BOUNDARY.test(boundary) || boundary.endsWith(' ')) {
    throw new DomainError('invalid', 'The multipart boundary parameter is empty, too long or has invalid characters');
  }
  const pump = new PartPump(
    body,
    new MultipartScanner(boundary, {
      maxParts: limits.maxParts,
      maxHeaderBytes: limits.maxHeaderBytes,
      maxPreambleBytes: limits.maxPreambleBytes ?? DEFAULT_MAX_PREAMBLE_BYTES,
    }),
  );
  try {
    for (;;) {
      const part = await pump.nextPart();
      if (!part) return;
      yield { headers: part.headers, body: part };
      await drained(part);
    }
  } finally {
    pump.close();
  }
}

class PartBody extends Readable {
  private demand?: () => void;
  /** All of the part's bytes have been pushed. */
  complete = false;

  constructor(readonly headers: Record<string, string>) {
    super();
    this.once('close', () => this.wake());
  }

  override _read(): void {
    this.wake();
  }

  /** Resolves when the consumer wants more (or has gone away). */
  waitForDemand(): Promise<void> {
    if (this.destroyed) return Promise.resolve();
    return new Promise((resolve) => (this.demand = resolve));
  }

  wake(): void {
    const demand = this.demand;
    this.demand = undefined;
    demand?.();
  }
}

/** Waits for the part's end, reading it away if nobody does (a pipe still running keeps its own pace). */
function drained(part: PartBody): Promise<void> {
  if (part.readableEnded || part.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    part.once('end', resolve);
    part.once('close', resolve);
    if (part.listenerCount('data') === 0) part.resume();
  });
}

/** Reads `source` into the scanner on its own, handing parts to readMultipart one at a time. */
class PartPump {
  private started = false;
  private closed = false;
  private failure?: unknown;
  private current?: PartBody;
  private waiting?: { resolve: (part: PartBody | null) => void; reject: (error: unknown) => void };
  private offered?: { part: PartBody | null; taken: () => void };

  constructor(
    private readonly source: Readable,
    private readonly scanner: MultipartScanner,
  ) {}

  nextPart(): Promise<PartBody | null> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (!this.started) {
      this.started = true;
      void this.run();
    }
    const offered = this.offered;
    if (offered) {
      this.offered = undefined;
      offered.taken();
      return Promise.resolve(offered.part);
    }
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  close(): void {
    this.closed = true;
    if (this.current && !this.current.complete) this.current.destroy();
    this.offered?.taken();
    this.offered = undefined;
  }

  private async run(): Promise<void> {
    try {
      for await (const chunk of this.source.iterator({ destroyOnReturn: false })) {
        await this.handleAll(this.scanner.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string)));
        if (this.closed) return;
      }
      if (!this.closed) await this.handleAll(this.scanner.end());
    } catch (error) {
      this.fail(error);
    }
  }

  private async handleAll(events: ScanEvent[]): Promise<void> {
    for (const event of events) {
      if (this.closed) return;
      await this.handle(event);
    }
  }

  private async handle(event: ScanEvent): Promise<void> {
    const part = this.current;
    switch (event.type) {
      case 'headers':
        this.current = new PartBody(event.headers);
        await this.offer(this.current);
        return;
      case 'data':
        // A consumer that destroyed the part's body gets nothing more; the rest of the part is skipped.
        if (part && !part.destroyed && !part.push(event.data)) await part.waitForDemand();
        return;
      case 'part-end':
        if (part && !part.destroyed) part.push(null);
        if (part) part.complete = true;
        return;
      case 'end':
        await this.offer(null);
        return;
    }
  }

  private offer(part: PartBody | null): Promise<void> {
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting.resolve(part);
      return Promise.resolve();
    }
    return new Promise((taken) => (this.offered = { part, taken }));
  }

  private fail(error: unknown): void {
    this.failure = error;
    // A part already received whole stays readable: the error concerns what came after it.
    if (this.current && !this.current.complete) this.current.destroy(error as Error);
    this.waiting?.reject(error);
    this.waiting = undefined;
  }
}
