import type { UserAccountOf } from '@hub/contracts';
import type { Role } from '@hub/core';

/** An account as the rest of the hub sees it (times as Date): never the password hash or the TOTP secret. */
export type UserAccount = UserAccountOf<Date>;

export interface NewUserAccount {
  username: string;
  displayName: string;
  password: string;
  institutionId: string | null;
  roles: Role[];
}
