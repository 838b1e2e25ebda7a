import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, In } from 'typeorm';
import { conflict, type Page, type PageRequest } from '@hub/core';
import { isUniqueViolation } from '@hub/db';
import { InstitutionEntity } from './entities/institution.entity.js';
import type { Institution, NewInstitution } from './registry.types.js';

const toInstitution = (e: InstitutionEntity): Institution => ({
  id: e.id,
  consortiumId: e.consortiumId,
  code: e.code,
  name: e.name,
  level: e.level,
  gridArea: e.gridArea,
  createdAt: e.createdAt,
});

@Injectable()
export class InstitutionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** 409 when the code is taken within the consortium. */
  async insert(input: NewInstitution, manager: EntityManager = this.dataSource.manager): Promise<Institution> {
    const repo = manager.getRepository(InstitutionEntity);
    try {
      return toInstitution(await repo.save(repo.create(input)));
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw conflict(`Institution code '${input.code}' is already used in this consortium`, { field: 'code' });
      }
      throw err;
    }
  }

  async findById(id: string): Promise<Institution | null> {
    const entity = await this.dataSource.getRepository(InstitutionEntity).findOneBy({ id });
    return entity ? toInstitution(entity) : null;
  }

  async findByIds(ids: readonly string[]): Promise<Institution[]> {
    if (ids.length === 0) return [];
    const rows = await this.dataSource.getRepository(InstitutionEntity).findBy({ id: In([...ids]) });
    return rows.map(toInstitution);
  }

  /** consortiumId null: every consortium's. */
  async list(consortiumId: string | null, page: PageRequest): Promise<Page<Institution>> {
    const [rows, total] = await this.dataSource.getRepository(InstitutionEntity).findAndCount({
      where: consortiumId ? { consortiumId } : {},
      order: { consortiumId: 'ASC', code: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items: rows.map(toInstitution), total, ...page };
  }
}
