import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Page, PageRequest } from '@hub/core';
import { PasswordHasher } from './password-hasher.js';
import type { NewUserAccount, UserAccount } from './user-account.js';
import { type UserListFilter, UserRepository } from './user.repository.js';

/** Creating and listing accounts, for the registry's user administration and the first-boot admin. */
@Injectable()
export class UserAccounts {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  async create(input: NewUserAccount, manager?: EntityManager): Promise<string> {
    return this.insertHashed({ ...input, passwordHash: await this.hashPassword(input.password) }, manager);
  }

  /** Hash before opening a transaction: argon2 takes a while, and a connection should not wait on it. */
  hashPassword(password: string): Promise<string> {
    return this.hasher.hash(password);
  }

  insertHashed(
    input: Omit<NewUserAccount, 'password'> & { passwordHash: string },
    manager?: EntityManager,
  ): Promise<string> {
    const { username, displayName, passwordHash, institutionId, roles } = input;
    return this.users.create({ username, displayName, passwordHash, institutionId, roles }, manager);
  }

  /** Sets a new password and lifts any lockout. Existing sessions stay; revoke them separately if needed. */
  async resetPassword(id: string, password: string): Promise<void> {
    await this.users.setPasswordHash(id, await this.hashPassword(password));
  }

  findByUsername(username: string): Promise<UserAccount | null> {
    return this.users.findForLogin(username).then((r) => r?.account ?? null);
  }

  findById(id: string): Promise<UserAccount | null> {
    return this.users.findById(id);
  }

  list(filter: UserListFilter, page: PageRequest): Promise<Page<UserAccount>> {
    return this.users.list(filter, page);
  }

  exists(username: string): Promise<boolean> {
    return this.users.existsByUsername(username);
  }
}
