import { HttpException, UnauthorizedException } from '@nestjs/common';
import type { Actor } from '@hub/core';
import type { AuthGuard } from './auth.guard.js';

/** Longest delay a Node timer takes; an access token outliving it is simply re-checked at that point. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A socket.io handshake's `auth: { token }`, checked like an HTTP request (signature, expiry, live session); throws a
 * 401 saying how to send it when it is missing.
 */
export async function authenticateHandshake(
  guard: AuthGuard,
  handshakeAuth: unknown,
  namespace: string,
): Promise<{ actor: Actor; expiresAt: Date }> {
  const token: unknown = (handshakeAuth as { token?: unknown } | undefined)?.token;
  if (typeof token !== 'string' || token.length === 0) {
    throw new UnauthorizedException(
      `Send the access token in the handshake: io('<hub>${namespace}', { auth: { token: '<access token>' } })`,
    );
  }
  return guard.authenticateToken(token);
}

/** Runs `onExpiry` when the token expires, on a timer that does not keep the process alive; clear it on disconnect. */
export function whenTokenExpires(expiresAt: Date, onExpiry: () => void): NodeJS.Timeout {
  const delay = Math.min(Math.max(expiresAt.getTime() - Date.now(), 0), MAX_TIMER_MS);
  const timer = setTimeout(onExpiry, delay);
  timer.unref();
  return timer;
}

/** socket.io hands `message` and `data` of a middleware error to the client's connect_error. */
export function connectError(err: unknown): Error & { data: { statusCode: number } } {
  const statusCode = err instanceof HttpException ? err.getStatus() : 500;
  const message = err instanceof HttpException ? err.message : 'The hub could not admit this socket; try again';
  return Object.assign(new Error(message), { data: { statusCode } });
}
