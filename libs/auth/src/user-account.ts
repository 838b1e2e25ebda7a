import type { Role } from '@hub/core';

/** An account as the rest of the hub sees it: never the password hash or the TOTP secret. */
export interface UserAccount {
  id: string;
  username: string;
  displayName: string;
  institutionId: string | null;
  consortiumId: string | null;
  roles: Role[];
  active: boolean;
  totpEnabled: boolean;
  createdAt: Date;
}

export interface NewUserAccount {
  username: string;
  displayName: string;
  password: string;
  institutionId: string | null;
  roles: Role[];
}
