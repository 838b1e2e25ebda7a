import { describe, expect, it } from '@jest/globals';
import { GroupWriter } from './group-writer.js';

/** A write that records its groups and finishes when `release` is called. */
function gatedWrite() {
  const groups: number[][] = [];
  const gates: (() => void)[] = [];
  const writeAll = (items: number[]) =>
    new Promise<string[]>((resolve) => {
      groups.push(items);
      gates.push(() => resolve(items.map((i) => `stored ${i}`)));
    });
  const release = async () => {
    while (gates.length === 0) await new Promise((r) => setImmediate(r));
    gates.shift()!();
  };
  return { groups, writeAll, release };
}

describe('GroupWriter (group commit)', () => {
  it('writes a lone item by itself and answers its own result', async () => {
    const { groups, writeAll, release } = gatedWrite();
    const writer = new GroupWriter(writeAll, 10);
    const stored = writer.submit(1);
    await release();
    expect(await stored).toBe('stored 1');
    expect(groups).toEqual([[1]]);
  });

  it('writes the items of one turn together, and those that come during a write in the next, in order', async () => {
    const { groups, writeAll, release } = gatedWrite();
    const writer = new GroupWriter(writeAll, 10);
    const first = [1, 2, 3].map((i) => writer.submit(i));
    await new Promise((r) => setImmediate(r));
    const second = [4, 5].map((i) => writer.submit(i)); // the first group is being written
    await release();
    await release();
    expect(await Promise.all([...first, ...second])).toEqual([1, 2, 3, 4, 5].map((i) => `stored ${i}`));
    expect(groups).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('splits a long queue into groups of at most maxGroup', async () => {
    const { groups, writeAll, release } = gatedWrite();
    const writer = new GroupWriter(writeAll, 2);
    const all = [1, 2, 3, 4, 5].map((i) => writer.submit(i));
    for (let i = 0; i < 3; i++) await release();
    await Promise.all(all);
    expect(groups).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('fails only the group whose write failed; the next group is written', async () => {
    let calls = 0;
    const writer = new GroupWriter<number, number>(async (items) => {
      calls += 1;
      if (calls === 1) throw new Error('connection lost');
      return items.map((i) => i * 10);
    }, 10);
    const failed = writer.submit(1);
    await expect(failed).rejects.toThrow('connection lost');
    expect(await writer.submit(2)).toBe(20);
  });

  it('refuses a write that answers for fewer items than it was given', async () => {
    const writer = new GroupWriter<number, number>(async () => [], 10);
    await expect(writer.submit(1)).rejects.toThrow('a group write gave 0 results for 1');
  });
});
