import { expect } from '@jest/globals';
import type { Response } from 'supertest';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
export const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
export const HUGE = 'x'.repeat(10_000);

/** The hub's error body `{ statusCode, error, message, details? }`, with a message that names what to fix. */
export function expectError(res: Response, status: number, mentions?: string | RegExp): void {
  expect({ status: res.status, body: res.body }).toMatchObject({
    status,
    body: { statusCode: status, error: expect.any(String), message: expect.any(String) },
  });
  if (mentions !== undefined) expect(res.body.message).toMatch(mentions);
}
