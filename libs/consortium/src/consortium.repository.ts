import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { conflict, type Page, type PageRequest } from '@hub/core';
import { isUniqueViolation } from '@hub/db';
import { ConsortiumEntity } from './entities/consortium.entity.js';
import type { Consortium, NewConsortium } from './registry.types.js';

const toConsortium = (e: ConsortiumEntity): Consortium => ({
  id: e.id,
  code: e.code,
  name: e.name,
  createdAt: e.createdAt,
});

@Injectable()
export class ConsortiumRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** 409 when the code is taken. */
  async insert(input: NewConsortium, manager: EntityManager = this.dataSource.manager): Promise<Consortium> {
    const repo = manager.getRepository(ConsortiumEntity);
    try {
      return toConsortium(await repo.save(repo.create(input)));
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`Consortium code '${input.code}' is already taken`, { field: 'code' });
      throw err;
    }
  }

  async findById(id: string): Promise<Consortium | null> {
    const entity = await this.dataSource.getRepository(ConsortiumEntity).findOneBy({ id });
    return entity ? toConsortium(entity) : null;
  }

  /** consortiumId null: every consortium. */
  async list(consortiumId: string | null, page: PageRequest): Promise<Page<Consortium>> {
    const [rows, total] = await this.dataSource.getRepository(ConsortiumEntity).findAndCount({
      where: consortiumId ? { id: consortiumId } : {},
      order: { code: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items: rows.map(toConsortium), total, ...page };
  }
}
