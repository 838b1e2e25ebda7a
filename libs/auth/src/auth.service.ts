import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuditTrail } from '@hub/audit';
import { DomainError, HUB_CONFIG, type HubConfig } from '@hub/core';
import { AccessTokenService } from './access-token.service.js';
import { PasswordHasher } from './password-hasher.js';
import { SessionRepository } from './session.repository.js';
import { newTotpSecret, totpUri, verifyTotp } from './totp.js';
import type { LoginResultOf, TokenPair } from '@hub/contracts';
import { UserRepository } from './user.repository.js';

export type { TokenPair };
export type LoginResult = LoginResultOf<Date>;

const newRefreshToken = (): string => randomBytes(32).toString('base64url');
const invalidCredentials = () => new DomainError('unauthenticated', 'Wrong username or password');

@Injectable()
export class AuthService {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: AccessTokenService,
    private readonly audit: AuditTrail,
  ) {}

  async login(
    username: string,
    password: string,
    totp: string | undefined,
    sourceIp: string | null,
  ): Promise<LoginResult> {
    const record = await this.users.findForLogin(username);
    if (!record || !record.account.active) {
      await this.hasher.verifyAgainstNothing(password);
      await this.auditLogin(null, username, 'failed', 'unknown or inactive account');
      throw invalidCredentials();
    }
    const { account } = record;
    if (record.lockedUntil && record.lockedUntil > new Date()) {
      await this.auditLogin(account.id, username, 'denied', 'account locked');
      throw this.lockedError(record.lockedUntil);
    }
    if (!(await this.hasher.verify(record.passwordHash, password))) {
      const lockedUntil = await this.users.recordFailedLogin(
        account.id,
        this.config.LOGIN_MAX_FAILURES,
        this.config.LOGIN_LOCKOUT_MINUTES,
      );
      await this.auditLogin(
        account.id,
        username,
        'failed',
        lockedUntil ? 'wrong password; account locked' : 'wrong password',
      );
      if (lockedUntil) throw this.lockedError(lockedUntil);
      throw invalidCredentials();
    }
    if (account.totpEnabled) {
      if (!totp) {
        throw new DomainError('unauthenticated', 'Two-factor authentication is on: send the six-digit code as totp', {
          totpRequired: true,
        });
      }
      if (!record.totpSecret || !(await verifyTotp(record.totpSecret, totp))) {
        await this.users.recordFailedLogin(
          account.id,
          this.config.LOGIN_MAX_FAILURES,
          this.config.LOGIN_LOCKOUT_MINUTES,
        );
        await this.auditLogin(account.id, username, 'failed', 'wrong totp code');
        throw new DomainError('unauthenticated', 'The two-factor code is wrong or expired');
      }
    }
    await this.users.recordSuccessfulLogin(account.id);
    const refreshToken = newRefreshToken();
    const sessionId = await this.sessions.createSession({
      userId: account.id,
      mfa: account.totpEnabled,
      expiresAt: this.refreshExpiry(),
      sourceIp,
      refreshToken,
    });
    await this.auditLogin(account.id, username, 'success');
    return { ...(await this.pair(account.id, sessionId, refreshToken)), user: account };
  }

  /** One use per refresh token. Presenting a used one means it was copied: the whole session is revoked. */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const record = await this.sessions.findRefreshToken(refreshToken);
    if (!record || record.sessionRevoked || record.expiresAt <= new Date()) {
      throw new DomainError('unauthenticated', 'The refresh token is not valid: log in again');
    }
    if (record.usedAt) {
      await this.sessions.revoke(record.sessionId, 'refresh token reused');
      await this.audit.record({
        action: 'auth.refresh_reuse',
        objectType: 'session',
        objectId: record.sessionId,
        outcome: 'denied',
      });
      throw new DomainError('unauthenticated', 'The refresh token was already used: the session has been ended');
    }
    const next = newRefreshToken();
    if (!(await this.sessions.rotate(record.id, record.sessionId, next, this.refreshExpiry()))) {
      throw new DomainError('unauthenticated', 'The refresh token was already used: log in again');
    }
    return this.pair(record.userId, record.sessionId, next);
  }

  async logout(sessionId: string): Promise<void> {
    await this.sessions.revoke(sessionId, 'logout');
    await this.audit.record({ action: 'auth.logout', objectType: 'session', objectId: sessionId });
  }

  async startTotpEnrolment(userId: string, username: string): Promise<{ secret: string; otpauthUri: string }> {
    const secret = newTotpSecret();
    await this.users.setPendingTotpSecret(userId, secret);
    await this.audit.record({ action: 'auth.totp_setup', objectType: 'user', objectId: userId });
    return { secret, otpauthUri: totpUri(secret, username) };
  }

  async confirmTotpEnrolment(userId: string, code: string): Promise<void> {
    const secret = await this.users.findTotpSecret(userId);
    if (!secret) throw new DomainError('conflict', 'Start two-factor enrolment first: POST /api/auth/totp/setup');
    if (!(await verifyTotp(secret, code)))
      throw new DomainError('invalid', 'The code does not match: check the device clock');
    await this.users.enableTotp(userId);
    await this.audit.record({ action: 'auth.totp_enabled', objectType: 'user', objectId: userId });
  }

  private async pair(userId: string, sessionId: string, refreshToken: string): Promise<TokenPair> {
    return {
      accessToken: await this.tokens.sign({ sub: userId, sid: sessionId }),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.config.ACCESS_TOKEN_TTL_SECONDS,
    };
  }

  private refreshExpiry(): Date {
    return new Date(Date.now() + this.config.REFRESH_TOKEN_TTL_SECONDS * 1000);
  }

  private lockedError(until: Date): DomainError {
    return new DomainError(
      'locked',
      `The account is locked after ${this.config.LOGIN_MAX_FAILURES} failed logins; try again after ${until.toISOString()} or ask an administrator`,
      { lockedUntil: until.toISOString() },
    );
  }

  private auditLogin(
    userId: string | null,
    username: string,
    outcome: 'success' | 'failed' | 'denied',
    reason?: string,
  ) {
    return this.audit.record({
      action: 'auth.login',
      objectType: 'user',
      objectId: userId,
      outcome,
      details: reason ? { username, reason } : { username },
    });
  }
}
