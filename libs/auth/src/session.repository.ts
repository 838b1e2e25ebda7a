import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Role } from '@hub/core';
import { ChangeNotifications, PreparedStatement, returningRows } from '@hub/db';
import { type ActiveSessionCache, AUTH_CHANGE_CHANNEL, AUTH_CHANGES } from './active-session-cache.js';

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface RefreshTokenRecord {
  id: string;
  sessionId: string;
  userId: string;
  expiresAt: Date;
  usedAt: Date | null;
  sessionRevoked: boolean;
  sessionMfa: boolean;
}

/** The caller as the database knows them now: roles and institution are read fresh on every request. */
export interface ActiveSession {
  userId: string;
  username: string;
  roles: Role[];
  institutionId: string | null;
  consortiumId: string | null;
  mfa: boolean;
}

/** Runs on every authenticated request: prepared once per connection. */
const activeSession = new PreparedStatement<{
  id: string;
  username: string;
  roles: Role[];
  institution_id: string | null;
  consortium_id: string | null;
  mfa: boolean;
  expires_at: Date;
}>(
  `SELECT u.id, u.username, u.roles, u.institution_id, i.consortium_id, s.mfa, s.expires_at
     FROM auth_sessions s
     JOIN users u ON u.id = s.user_id
     LEFT JOIN institutions i ON i.id = u.institution_id
    WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active`,
);

/** The live sessions a hub process keeps (SESSION_CACHE_SECONDS), dropped by change notifications. */
export const ACTIVE_SESSIONS = Symbol('ACTIVE_SESSIONS');

@Injectable()
export class SessionRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ACTIVE_SESSIONS) private readonly activeSessions: ActiveSessionCache<ActiveSession>,
    changes: ChangeNotifications,
  ) {
    changes.subscribe(AUTH_CHANGE_CHANNEL, activeSessions, AUTH_CHANGES);
  }

  async createSession(input: {
    userId: string;
    mfa: boolean;
    expiresAt: Date;
    sourceIp: string | null;
    refreshToken: string;
  }): Promise<string> {
    return this.dataSource.transaction(async (m) => {
      const [{ id }]: { id: string }[] = await m.query(
        `INSERT INTO auth_sessions (user_id, mfa, expires_at, source_ip) VALUES ($1, $2, $3, $4) RETURNING id`,
        [input.userId, input.mfa, input.expiresAt, input.sourceIp],
      );
      await m.query(`INSERT INTO refresh_tokens (session_id, token_hash, expires_at) VALUES ($1, $2, $3)`, [
        id,
        hashToken(input.refreshToken),
        input.expiresAt,
      ]);
      return id;
    });
  }

  async findRefreshToken(token: string): Promise<RefreshTokenRecord | null> {
    const [row]: {
      id: string;
      session_id: string;
      user_id: string;
      expires_at: Date;
      used_at: Date | null;
      revoked: boolean;
      mfa: boolean;
    }[] = await this.dataSource.query(
      `SELECT t.id, t.session_id, s.user_id, t.expires_at, t.used_at, s.revoked_at IS NOT NULL AS revoked, s.mfa
         FROM refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id WHERE t.token_hash = $1`,
      [hashToken(token)],
    );
    if (!row) return null;
    return {
      id: row.id,
      sessionId: row.session_id,
      userId: row.user_id,
      expiresAt: row.expires_at,
      usedAt: row.used_at,
      sessionRevoked: row.revoked,
      sessionMfa: row.mfa,
    };
  }

  /** Marks the old token used and stores its successor; false when another request rotated it first. */
  async rotate(oldTokenId: string, sessionId: string, newToken: string, expiresAt: Date): Promise<boolean> {
    return this.dataSource.transaction(async (m) => {
      const updated = await returningRows<{ id: string }>(
        m,
        `UPDATE refresh_tokens SET used_at = now() WHERE id = $1 AND used_at IS NULL RETURNING id`,
        [oldTokenId],
      );
      if (updated.length === 0) return false;
      await m.query(`INSERT INTO refresh_tokens (session_id, token_hash, expires_at) VALUES ($1, $2, $3)`, [
        sessionId,
        hashToken(newToken),
        expiresAt,
      ]);
      return true;
    });
  }

  async revoke(sessionId: string, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE auth_sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL`,
      [sessionId, reason],
    );
    // The notification reaches this process too, a moment later; a request in between must not find the session.
    this.activeSessions.changed(AUTH_CHANGES.session(sessionId));
  }

  async findActive(sessionId: string, userId: string): Promise<ActiveSession | null> {
    const cached = this.activeSessions.find(sessionId);
    if (cached?.userId === userId) return cached;
    const generation = this.activeSessions.begin();
    const [row] = await activeSession.run(this.dataSource, [sessionId, userId]);
    if (!row) return null;
    const session: ActiveSession = {
      userId: row.id,
      username: row.username,
      roles: row.roles,
      institutionId: row.institution_id,
      consortiumId: row.consortium_id,
      mfa: row.mfa,
    };
    this.activeSessions.keep(generation, sessionId, session, row.expires_at);
    return session;
  }
}
