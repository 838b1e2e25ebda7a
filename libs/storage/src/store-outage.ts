import { DomainError, networkErrorCode } from '@hub/core';

/**
 * A network error becomes the 503 a client can act on (try again later), naming the store but no address or key;
 * anything else passes through unchanged.
 */
export function asStoreOutage(error: unknown, store: string): unknown {
  const code = networkErrorCode(error);
  if (!code) return error;
  return new DomainError(
    'unavailable',
    `The object store (${store}) cannot be reached (${code}); try again when it is back`,
  );
}
