import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, HUB_CONFIG, type HubConfig, readOrCreateGeneratedSecret } from '@hub/core';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = '10X98765432';

/**
 * A resident identity number (居民身份证号码, GB 11643-1999) in canonical form, or a DomainError saying what is wrong
 * with it. The number itself never appears in the message: it is patient data.
 */
export function canonicalResidentId(raw: string): string {
  const id = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) {
    throw new DomainError(
      'unprocessable',
      'nationalId must be an 18-character resident identity number (digits, last may be X)',
    );
  }
  const sum = WEIGHTS.reduce((acc, weight, i) => acc + weight * Number(id[i]), 0);
  if (CHECK_CHARACTERS[sum % 11] !== id[17]) {
    throw new DomainError(
      'unprocessable',
      'nationalId fails its check digit: please re-enter it from the identity card',
    );
  }
  const birth = id.slice(6, 14);
  const date = new Date(`${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10).replaceAll('-', '') !== birth) {
    throw new DomainError('unprocessable', 'nationalId holds an impossible birth date: please re-enter it');
  }
  return id;
}

/**
 * Keyed hash of national identity numbers: equal numbers give equal hashes (so records of one person at several
 * institutions link), but without the key a hash cannot be turned back into the number by trying all of them.
 */
@Injectable()
export class NationalIdHasher {
  private readonly key: string;

  constructor(@Inject(HUB_CONFIG) config: HubConfig) {
    this.key = config.PATIENT_ID_HMAC_KEY ?? readOrCreateGeneratedSecret(config.DATA_DIR, 'patient-id-hmac-key');
  }

  hash(nationalId: string): string {
    return createHmac('sha256', this.key)
      .update(`cn-resident-id:${canonicalResidentId(nationalId)}`)
      .digest('hex');
  }
}
