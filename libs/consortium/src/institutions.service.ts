import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditTrail } from '@hub/audit';
import { type Actor, notFound, type Page, type PageRequest } from '@hub/core';
import { ConsortiumRepository } from './consortium.repository.js';
import { InstitutionRepository } from './institution.repository.js';
import { assertRecordScope, readScope } from './registry-rules.js';
import { RegistryScope } from './registry-scope.service.js';
import type { Institution, InstitutionRequest } from './registry.types.js';

const CREATE = 'registry.institution.create';

@Injectable()
export class InstitutionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly consortia: ConsortiumRepository,
    private readonly institutions: InstitutionRepository,
    private readonly scope: RegistryScope,
    private readonly audit: AuditTrail,
  ) {}

  async create(actor: Actor, input: InstitutionRequest): Promise<Institution> {
    const consortiumId = await this.scope.forWrite(actor, input.consortiumId, CREATE);
    if (!(await this.consortia.findById(consortiumId))) throw notFound('Consortium', consortiumId);
    return this.dataSource.transaction(async (m) => {
      const institution = await this.institutions.insert(
        { consortiumId, code: input.code, name: input.name, level: input.level, gridArea: input.gridArea ?? null },
        m,
      );
      await this.audit.record(
        {
          action: CREATE,
          objectType: 'institution',
          objectId: institution.id,
          details: { consortiumId, code: institution.code, level: institution.level },
        },
        m,
      );
      return institution;
    });
  }

  list(actor: Actor, filter: { consortiumId?: string }, page: PageRequest): Promise<Page<Institution>> {
    return this.institutions.list(readScope(actor, filter.consortiumId), page);
  }

  async get(actor: Actor, id: string): Promise<Institution> {
    const institution = await this.institutions.findById(id);
    if (!institution) throw notFound('Institution', id);
    assertRecordScope(actor, institution.consortiumId);
    return institution;
  }
}
