import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditTrail } from '@hub/audit';
import { type UserAccount, UserAccounts } from '@hub/auth';
import { type Actor, DomainError, notFound, type Page, type PageRequest, type Role } from '@hub/core';
import { InstitutionRepository } from './institution.repository.js';
import { ReadingPrivilegeRepository } from './reading-privilege.repository.js';
import { assertPrivilegesFit, assertRecordScope, readScope } from './registry-rules.js';
import { RegistryScope } from './registry-scope.service.js';
import type { DirectoryEntry, RegistryUser, UserRequest } from './registry.types.js';

const CREATE = 'registry.user.create';

/** Accounts belong to auth; the registry adds who may read and sign what, and keeps both in one transaction. */
@Injectable()
export class RegistryUsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accounts: UserAccounts,
    private readonly institutions: InstitutionRepository,
    private readonly privileges: ReadingPrivilegeRepository,
    private readonly scope: RegistryScope,
    private readonly audit: AuditTrail,
  ) {}

  async create(actor: Actor, input: UserRequest): Promise<RegistryUser> {
    const institution = await this.institutions.findById(input.institutionId);
    if (!institution) {
      throw new DomainError('unprocessable', `institution ${input.institutionId} does not exist`, {
        field: 'institutionId',
      });
    }
    await this.scope.assertWritable(actor, institution.consortiumId, CREATE, {
      type: 'institution',
      id: institution.id,
    });
    const privileges = input.privileges ?? [];
    assertPrivilegesFit(input.roles, privileges);

    const passwordHash = await this.accounts.hashPassword(input.password);
    const id = await this.dataSource.transaction(async (m) => {
      const userId = await this.accounts.insertHashed(
        {
          username: input.username,
          displayName: input.displayName,
          passwordHash,
          institutionId: institution.id,
          roles: input.roles,
        },
        m,
      );
      await this.privileges.insert(userId, privileges, m);
      await this.audit.record(
        {
          action: CREATE,
          objectType: 'user',
          objectId: userId,
          details: { username: input.username, institutionId: institution.id, roles: input.roles, privileges },
        },
        m,
      );
      return userId;
    });
    return this.withPrivileges(await this.mustFind(id));
  }

  async list(actor: Actor, filter: { institutionId?: string }, page: PageRequest): Promise<Page<RegistryUser>> {
    const consortiumId = readScope(actor, undefined);
    if (filter.institutionId) {
      const institution = await this.institutions.findById(filter.institutionId);
      if (!institution) throw notFound('Institution', filter.institutionId);
      assertRecordScope(actor, institution.consortiumId);
    }
    const accounts = await this.accounts.list({ consortiumId, institutionId: filter.institutionId }, page);
    const privileges = await this.privileges.listForUsers(accounts.items.map((u) => u.id));
    return { ...accounts, items: accounts.items.map((u) => ({ ...u, privileges: privileges.get(u.id) ?? [] })) };
  }

  /** The active people of the caller's consortium, optionally only those holding `role` (e.g. specialists to invite). */
  async directory(actor: Actor, role: Role | undefined, page: PageRequest): Promise<Page<DirectoryEntry>> {
    const consortiumId = readScope(actor, undefined);
    const accounts = await this.accounts.list({ consortiumId, role, activeOnly: true }, page);
    return {
      ...accounts,
      items: accounts.items.map((u) => ({
        id: u.id,
        displayName: u.displayName,
        institutionId: u.institutionId,
        roles: u.roles,
      })),
    };
  }

  async get(actor: Actor, id: string): Promise<RegistryUser> {
    const account = await this.mustFind(id);
    assertRecordScope(actor, account.consortiumId);
    return this.withPrivileges(account);
  }

  private async mustFind(id: string): Promise<UserAccount> {
    const account = await this.accounts.findById(id);
    if (!account) throw notFound('User', id);
    return account;
  }

  private async withPrivileges(account: UserAccount): Promise<RegistryUser> {
    return { ...account, privileges: await this.privileges.listFor(account.id) };
  }
}
