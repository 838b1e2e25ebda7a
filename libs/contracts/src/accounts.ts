import type { Role } from './vocabulary.js';

/**
 * An account as the hub shows it: never the password hash or the TOTP secret. `T` is how a time is held: an ISO 8601
 * string on the wire (the default), a Date inside the hub.
 */
export interface UserAccountOf<T = string> {
  id: string;
  username: string;
  displayName: string;
  institutionId: string | null;
  consortiumId: string | null;
  roles: Role[];
  active: boolean;
  totpEnabled: boolean;
  createdAt: T;
}

/** GET /api/users/directory: what a coordinator needs to invite someone (no username, no login state). */
export type DirectoryEntry = Pick<UserAccountOf, 'id' | 'displayName' | 'institutionId' | 'roles'>;

export interface TokenPair {
  accessToken: string;
  /** Single use: presenting it twice ends the whole session. */
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds the access token lives. */
  expiresIn: number;
}

/** POST /api/auth/login. */
export interface LoginResultOf<T = string> extends TokenPair {
  user: UserAccountOf<T>;
}
