import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from '@jest/globals';
import { DomainError } from '@hub/core';
import { HashingMeterTransform } from './hashing-meter.transform.js';

describe('HashingMeterTransform', () => {
  it('passes bytes through while hashing and counting them', async () => {
    const meter = new HashingMeterTransform(11);
    const sink = new PassThrough();
    const received: Buffer[] = [];
    sink.on('data', (chunk: Buffer) => received.push(chunk));
    await pipeline(Readable.from([Buffer.from('hello '), Buffer.from('world')]), meter, sink);
    expect(Buffer.concat(received).toString()).toBe('hello world');
    expect(meter.bytes).toBe(11);
    expect(meter.sha256).toBe(createHash('sha256').update('hello world').digest('hex'));
  });

  it('fails with too_large as soon as the limit is passed', async () => {
    const meter = new HashingMeterTransform(10);
    const attempt = pipeline(Readable.from([Buffer.from('hello '), Buffer.from('world')]), meter, new PassThrough());
    await expect(attempt).rejects.toBeInstanceOf(DomainError);
    await expect(attempt).rejects.toMatchObject({ kind: 'too_large' });
  });

  it('has no digest before the end of the stream', () => {
    expect(() => new HashingMeterTransform().sha256).toThrow('not ended');
  });

  it('rejects a negative limit', () => {
    expect(() => new HashingMeterTransform(-1)).toThrow(RangeError);
  });
});
