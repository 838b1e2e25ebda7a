import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditTrail } from '@hub/audit';
import { type Actor, type Discipline, DomainError, notFound, type Page, type PageRequest } from '@hub/core';
import { CentreRepository } from './centre.repository.js';
import { ConsortiumRepository } from './consortium.repository.js';
import { InstitutionRepository } from './institution.repository.js';
import { assertRecordScope, membershipProblems, readScope, resolveSla } from './registry-rules.js';
import { RegistryScope } from './registry-scope.service.js';
import type { Centre, CentreRequest } from './registry.types.js';

const CREATE = 'registry.centre.create';

@Injectable()
export class CentresService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly consortia: ConsortiumRepository,
    private readonly institutions: InstitutionRepository,
    private readonly centres: CentreRepository,
    private readonly scope: RegistryScope,
    private readonly audit: AuditTrail,
  ) {}

  /** A shared centre is hosted by, and serves, member institutions of its own consortium only. */
  async create(actor: Actor, input: CentreRequest): Promise<Centre> {
    const consortiumId = await this.scope.forWrite(actor, input.consortiumId, CREATE);
    if (!(await this.consortia.findById(consortiumId))) throw notFound('Consortium', consortiumId);
    const named = [input.hostInstitutionId, ...input.servedInstitutionIds];
    const problems = membershipProblems(consortiumId, named, await this.institutions.findByIds(named));
    if (problems.length > 0) {
      throw new DomainError('unprocessable', problems.join('; '), { problems });
    }
    return this.dataSource.transaction(async (m) => {
      const centre = await this.centres.insert(
        {
          consortiumId,
          hostInstitutionId: input.hostInstitutionId,
          name: input.name,
          discipline: input.discipline,
          sla: resolveSla(input.sla),
          twoStepSignoff: input.twoStepSignoff ?? true,
          servedInstitutionIds: [...new Set(input.servedInstitutionIds)],
        },
        m,
      );
      await this.audit.record(
        {
          action: CREATE,
          objectType: 'centre',
          objectId: centre.id,
          details: { consortiumId, discipline: input.discipline, name: input.name },
        },
        m,
      );
      return centre;
    });
  }

  list(
    actor: Actor,
    filter: { consortiumId?: string; discipline?: Discipline },
    page: PageRequest,
  ): Promise<Page<Centre>> {
    return this.centres.list(
      { consortiumId: readScope(actor, filter.consortiumId), discipline: filter.discipline },
      page,
    );
  }

  async get(actor: Actor, id: string): Promise<Centre> {
    const centre = await this.centres.findById(id);
    if (!centre) throw notFound('Centre', id);
    assertRecordScope(actor, centre.consortiumId);
    return centre;
  }
}
