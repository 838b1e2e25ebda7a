import type { Readable } from 'node:stream';

/** The first `limit` bytes of a stream (fewer if it is shorter); the rest is not read, and the stream is closed. */
export async function readHead(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      chunks.push(buf.subarray(0, limit - length));
      length += Math.min(buf.length, limit - length);
      if (length >= limit) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks, length);
}
