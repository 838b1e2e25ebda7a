import { describe, expect, it } from '@jest/globals';
import { QueryFailedError } from 'typeorm';
import { describeForLog } from './exception.filter.js';

describe('describeForLog', () => {
  it('withholds database messages, which quote the values they refused, keeping the SQLSTATE', () => {
    const driverError = Object.assign(new Error('invalid input syntax for type uuid: "王小明"'), { code: '22P02' });
    const line = describeForLog(new QueryFailedError('SELECT $1', ['王小明'], driverError));
    expect(line).toMatch(/^database error 22P02/);
    expect(line).not.toContain('王小明');
  });

  it('keeps the message and stack of other errors', () => {
    expect(describeForLog(new Error('boom'))).toMatch(/^Error: boom/);
    expect(describeForLog('plain')).toBe('plain');
  });
});
