import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { conflict, type Page, type PageRequest, type Role } from '@hub/core';
import { isUniqueViolation, returningRows } from '@hub/db';
import type { UserAccount } from './user-account.js';
import { UserEntity } from './entities/user.entity.js';

export interface LoginRecord {
  account: UserAccount;
  passwordHash: string;
  failedLoginCount: number;
  lockedUntil: Date | null;
  totpSecret: string | null;
}

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  institution_id: string | null;
  consortium_id: string | null;
  roles: Role[];
  active: boolean;
  failed_login_count: number;
  locked_until: Date | null;
  totp_secret: string | null;
  totp_enabled: boolean;
  created_at: Date;
}

export interface UserListFilter {
  consortiumId: string | null;
  institutionId?: string;
  /** Only users holding this role. */
  role?: Role;
  /** Only accounts that are not deactivated. */
  activeOnly?: boolean;
}

const SELECT_USER = `SELECT u.*, i.consortium_id FROM users u LEFT JOIN institutions i ON i.id = u.institution_id`;

const toAccount = (r: UserRow): UserAccount => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  institutionId: r.institution_id,
  consortiumId: r.consortium_id,
  roles: r.roles,
  active: r.active,
  totpEnabled: r.totp_enabled,
  createdAt: r.created_at,
});

@Injectable()
export class UserRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findForLogin(username: string): Promise<LoginRecord | null> {
    const [row]: UserRow[] = await this.dataSource.query(`${SELECT_USER} WHERE lower(u.username) = lower($1)`, [
      username,
    ]);
    if (!row) return null;
    return {
      account: toAccount(row),
      passwordHash: row.password_hash,
      failedLoginCount: row.failed_login_count,
      lockedUntil: row.locked_until,
      totpSecret: row.totp_secret,
    };
  }

  async findById(id: string): Promise<UserAccount | null> {
    const [row]: UserRow[] = await this.dataSource.query(`${SELECT_USER} WHERE u.id = $1`, [id]);
    return row ? toAccount(row) : null;
  }

  async findTotpSecret(id: string): Promise<string | null> {
    const [row]: { totp_secret: string | null }[] = await this.dataSource.query(
      'SELECT totp_secret FROM users WHERE id = $1',
      [id],
    );
    return row?.totp_secret ?? null;
  }

  async list(filter: UserListFilter, page: PageRequest): Promise<Page<UserAccount>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.consortiumId) {
      params.push(filter.consortiumId);
      where.push(`i.consortium_id = $${params.length}`);
    }
    if (filter.institutionId) {
      params.push(filter.institutionId);
      where.push(`u.institution_id = $${params.length}`);
    }
    if (filter.role) {
      params.push(filter.role);
      where.push(`$${params.length} = ANY(u.roles)`);
    }
    if (filter.activeOnly) where.push('u.active');
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const rows: (UserRow & { total: string })[] = await this.dataSource.query(
      `${SELECT_USER.replace('SELECT u.*', 'SELECT u.*, count(*) OVER () AS total')} ${clause}
        ORDER BY u.username LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, page.limit, page.offset],
    );
    const total = rows[0] ? Number(rows[0].total) : await this.count(clause, params);
    return { items: rows.map(toAccount), total, ...page };
  }

  private async count(clause: string, params: unknown[]): Promise<number> {
    const [row]: { n: string }[] = await this.dataSource.query(
      `SELECT count(*) AS n FROM users u LEFT JOIN institutions i ON i.id = u.institution_id ${clause}`,
      params,
    );
    return Number(row?.n ?? 0);
  }

  /** 409 when the username is taken (in any letter case). */
  async create(
    input: { username: string; displayName: string; passwordHash: string; institutionId: string | null; roles: Role[] },
    manager: EntityManager = this.dataSource.manager,
  ): Promise<string> {
    try {
      const saved = await manager.getRepository(UserEntity).save(manager.getRepository(UserEntity).create(input));
      return saved.id;
    } catch (err) {
      if (isUniqueViolation(err))
        throw conflict(`Username '${input.username}' is already taken`, { field: 'username' });
      throw err;
    }
  }

  /** Atomically counts a failure; locks the account once the count reaches maxFailures. Returns the lock end, if locked. */
  async recordFailedLogin(id: string, maxFailures: number, lockoutMinutes: number): Promise<Date | null> {
    const [row] = await returningRows<{ locked_until: Date | null }>(
      this.dataSource,
      `UPDATE users SET
         failed_login_count = CASE WHEN failed_login_count + 1 >= $2 THEN 0 ELSE failed_login_count + 1 END,
         locked_until = CASE WHEN failed_login_count + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
       WHERE id = $1 RETURNING locked_until`,
      [id, maxFailures, lockoutMinutes],
    );
    return row?.locked_until && row.locked_until > new Date() ? row.locked_until : null;
  }

  async recordSuccessfulLogin(id: string): Promise<void> {
    await this.dataSource.query('UPDATE users SET failed_login_count = 0, locked_until = NULL WHERE id = $1', [id]);
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.dataSource.query(
      'UPDATE users SET password_hash = $2, failed_login_count = 0, locked_until = NULL, updated_at = now() WHERE id = $1',
      [id, passwordHash],
    );
  }

  async setPendingTotpSecret(id: string, secret: string): Promise<void> {
    await this.dataSource.query('UPDATE users SET totp_secret = $2, totp_enabled = false WHERE id = $1', [id, secret]);
  }

  async enableTotp(id: string): Promise<void> {
    await this.dataSource.query('UPDATE users SET totp_enabled = true WHERE id = $1 AND totp_secret IS NOT NULL', [id]);
  }

  async existsByUsername(username: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM users WHERE lower(username) = lower($1)', [
      username,
    ]);
    return rows.length > 0;
  }
}
