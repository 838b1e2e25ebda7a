import { Readable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { readHead } from './read-head.js';

const chunks = (...parts: string[]) => Readable.from(parts.map((p) => Buffer.from(p)));

describe('readHead', () => {
  it('keeps exactly the first bytes, across chunk boundaries, and closes the stream', async () => {
    const stream = chunks('abc', 'defg', 'hij');
    expect((await readHead(stream, 5)).toString()).toBe('abcde');
    expect(stream.destroyed).toBe(true);
  });

  it('answers the whole stream when it is shorter than the limit', async () => {
    expect((await readHead(chunks('ab', 'c'), 10)).toString()).toBe('abc');
  });

  it('passes a failing stream’s error on', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('disk gone'));
      },
    });
    await expect(readHead(failing, 10)).rejects.toThrow('disk gone');
  });
});
