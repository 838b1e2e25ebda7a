import { describe, expect, it } from '@jest/globals';
import { MdtRoomSerial } from './mdt-room-serial.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('MdtRoomSerial', () => {
  it('runs the tasks of one key one after another, in order, whatever each takes', async () => {
    const serial = new MdtRoomSerial();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`${name}:start`);
      await tick(ms);
      log.push(`${name}:end`);
      return name;
    };
    const results = await Promise.all([serial.run('k', task('a', 20)), serial.run('k', task('b', 1))]);
    expect(results).toEqual(['a', 'b']);
    expect(log).toEqual(['a:start', 'a:end', 'b:start', 'b:end']);
  });

  it('runs different keys concurrently', async () => {
    const serial = new MdtRoomSerial();
    const log: string[] = [];
    const slow = serial.run('x', async () => {
      await tick(20);
      log.push('x');
    });
    const fast = serial.run('y', async () => {
      log.push('y');
    });
    await Promise.all([slow, fast]);
    expect(log).toEqual(['y', 'x']);
  });

  it('goes on after a failed task and forgets idle keys', async () => {
    const serial = new MdtRoomSerial();
    const failed = serial.run('k', () => Promise.reject(new Error('boom')));
    const next = serial.run('k', () => Promise.resolve('ok'));
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
    await serial.idle();
    expect(serial.size).toBe(0);
  });
});
