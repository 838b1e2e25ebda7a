import { DomainError } from '@hub/core';

const SHA256_HEX = /^[0-9a-f]{64}$/;
const OBJECT_KEY = /^sha256\/([0-9a-f]{2})\/([0-9a-f]{2})\/([0-9a-f]{64})$/;

/** The content address of bytes whose SHA-256 is `sha256Hex`: "sha256/ab/cd/abcd…". */
export function objectKeyFor(sha256Hex: string): string {
  const hex = normaliseSha256(sha256Hex);
  return `sha256/${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex}`;
}

/** Lower-cases a SHA-256 hex digest; throws DomainError 'invalid' unless it is exactly 64 hex digits. */
export function normaliseSha256(sha256Hex: string): string {
  const hex = typeof sha256Hex === 'string' ? sha256Hex.toLowerCase() : '';
  if (!SHA256_HEX.test(hex)) {
    throw new DomainError('invalid', 'sha256 must be 64 hexadecimal digits');
  }
  return hex;
}

/** True for a well-formed content address whose prefix directories match its digest. */
export function isObjectKey(key: unknown): key is string {
  if (typeof key !== 'string') {
    return false;
  }
  const match = OBJECT_KEY.exec(key);
  return match !== null && match[3].startsWith(match[1] + match[2]);
}

/** The digest inside a content address; throws DomainError 'invalid' for anything else (keys never come from paths). */
export function sha256OfKey(key: string): string {
  if (!isObjectKey(key)) {
    throw new DomainError('invalid', 'not a valid object key', { key: String(key).slice(0, 200) });
  }
  return key.slice(-64);
}
