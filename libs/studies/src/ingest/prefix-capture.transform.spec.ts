import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from '@jest/globals';
import { PrefixCaptureTransform } from './prefix-capture.transform.js';

describe('PrefixCaptureTransform', () => {
  it('passes everything through and keeps only the first bytes, across chunk borders', async () => {
    const capture = new PrefixCaptureTransform(5);
    const out = await text(Readable.from([Buffer.from('abc'), Buffer.from('defg'), Buffer.from('hij')]).pipe(capture));
    expect(out).toBe('abcdefghij');
    expect(capture.prefix.toString()).toBe('abcde');
  });

  it('keeps the whole body when it is shorter than the limit', async () => {
    const capture = new PrefixCaptureTransform(100);
    await text(Readable.from([Buffer.from('short')]).pipe(capture));
    expect(capture.prefix.toString()).toBe('short');
  });
});
