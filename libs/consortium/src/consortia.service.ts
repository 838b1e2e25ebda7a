import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditTrail } from '@hub/audit';
import { type Actor, DomainError, isPlatformAdmin, notFound, type Page, type PageRequest } from '@hub/core';
import { ConsortiumRepository } from './consortium.repository.js';
import { assertRecordScope, readScope } from './registry-rules.js';
import type { Consortium, NewConsortium } from './registry.types.js';

@Injectable()
export class ConsortiaService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly consortia: ConsortiumRepository,
    private readonly audit: AuditTrail,
  ) {}

  /** Only the platform administrator founds consortia: a consortium's own admin manages what is inside it. */
  async create(actor: Actor, input: NewConsortium): Promise<Consortium> {
    if (!isPlatformAdmin(actor)) {
      await this.audit.record({ action: 'registry.consortium.create', objectType: 'consortium', outcome: 'denied' });
      throw new DomainError('forbidden', 'Only the platform administrator can create a consortium');
    }
    return this.dataSource.transaction(async (m) => {
      const consortium = await this.consortia.insert(input, m);
      await this.audit.record(
        {
          action: 'registry.consortium.create',
          objectType: 'consortium',
          objectId: consortium.id,
          details: { code: consortium.code },
        },
        m,
      );
      return consortium;
    });
  }

  list(actor: Actor, page: PageRequest): Promise<Page<Consortium>> {
    return this.consortia.list(readScope(actor, undefined), page);
  }

  async get(actor: Actor, id: string): Promise<Consortium> {
    const consortium = await this.consortia.findById(id);
    if (!consortium) throw notFound('Consortium', id);
    assertRecordScope(actor, consortium.id);
    return consortium;
  }
}
