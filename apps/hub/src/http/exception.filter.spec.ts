import { describe, expect, it } from '@jest/globals';
import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { describeForLog, isDatabaseOutage } from './exception.filter.js';

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

describe('isDatabaseOutage', () => {
  const failed = (code: string) => new QueryFailedError('SELECT 1', [], Object.assign(new Error('x'), { code }));

  it('is true for a lost or refused connection, whatever layer reports it', () => {
    expect(isDatabaseOutage(failed('57P01'))).toBe(true); // terminated by an administrator
    expect(isDatabaseOutage(failed('08006'))).toBe(true); // connection failure
    expect(isDatabaseOutage(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isDatabaseOutage(new Error('Connection terminated unexpectedly'))).toBe(true);
    // TypeORM's own errors for a transaction whose connection was dropped between two of its statements.
    expect(isDatabaseOutage(new QueryRunnerAlreadyReleasedError())).toBe(true);
    expect(isDatabaseOutage(new QueryRunnerProviderAlreadyReleasedError())).toBe(true);
  });

  it('is false for errors of the statement itself or of the code', () => {
    expect(isDatabaseOutage(failed('23505'))).toBe(false); // unique violation
    expect(isDatabaseOutage(failed('22P02'))).toBe(false);
    expect(isDatabaseOutage(new TypeError('x is undefined'))).toBe(false);
  });
});
