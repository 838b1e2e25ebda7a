import { Inject, Injectable } from '@nestjs/common';
import argon2 from 'argon2';
import { HUB_CONFIG, type HubConfig } from '@hub/core';

/** argon2id, t=3, with 64 MiB by default (OWASP's recommendation); the cost is stored in each hash, so it may change. */
@Injectable()
export class PasswordHasher {
  private dummyHash?: Promise<string>;

  constructor(@Inject(HUB_CONFIG) private readonly config: HubConfig) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, {
      type: argon2.argon2id,
      memoryCost: this.config.PASSWORD_HASH_MEMORY_KIB,
      timeCost: 3,
    });
  }

  verify(hash: string, password: string): Promise<boolean> {
    return argon2.verify(hash, password).catch(() => false);
  }

  /** Spend the same time for an unknown username as for a wrong password, so timing does not reveal accounts. */
  async verifyAgainstNothing(password: string): Promise<false> {
    this.dummyHash ??= this.hash('not-a-real-password');
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
