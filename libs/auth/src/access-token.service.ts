import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

/** What an access token asserts: who, and which session (so logout ends it at once). Roles are read fresh per request. */
export interface AccessTokenClaims {
  sub: string;
  sid: string;
}

@Injectable()
export class AccessTokenService {
  constructor(private readonly jwt: JwtService) {}

  sign(claims: AccessTokenClaims): Promise<string> {
    return this.jwt.signAsync({ ...claims });
  }

  /** null for a token that is malformed, tampered with, signed with another key or expired. */
  async verify(token: string): Promise<(AccessTokenClaims & { expiresAt: Date }) | null> {
    try {
      const payload = await this.jwt.verifyAsync<Partial<AccessTokenClaims> & { exp?: number }>(token, {
        algorithms: ['HS256'],
      });
      if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || typeof payload.exp !== 'number') {
        return null;
      }
      return { sub: payload.sub, sid: payload.sid, expiresAt: new Date(payload.exp * 1000) };
    } catch {
      return null;
    }
  }
}
