import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, In } from 'typeorm';
import { PreparedStatement } from '@hub/db';
import { ReadingPrivilegeEntity } from './entities/reading-privilege.entity.js';
import type { ReadingPrivilege } from './registry.types.js';

const privilegesOfUser = new PreparedStatement<ReadingPrivilege>(
  `SELECT discipline, can_sign AS "canSign" FROM reading_privileges WHERE user_id = $1 ORDER BY discipline`,
);

const toPrivilege = (e: ReadingPrivilegeEntity): ReadingPrivilege => ({ discipline: e.discipline, canSign: e.canSign });

@Injectable()
export class ReadingPrivilegeRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(userId: string, privileges: readonly ReadingPrivilege[], manager: EntityManager): Promise<void> {
    if (privileges.length === 0) return;
    await manager
      .getRepository(ReadingPrivilegeEntity)
      .insert(privileges.map((p) => ({ userId, discipline: p.discipline, canSign: p.canSign })));
  }

  listFor(userId: string, manager?: EntityManager): Promise<ReadingPrivilege[]> {
    return privilegesOfUser.run(manager ?? this.dataSource, [userId]);
  }

  /** Privileges of many users in one query; users without any are absent from the map. */
  async listForUsers(userIds: readonly string[]): Promise<Map<string, ReadingPrivilege[]>> {
    const byUser = new Map<string, ReadingPrivilege[]>();
    if (userIds.length === 0) return byUser;
    const rows = await this.dataSource
      .getRepository(ReadingPrivilegeEntity)
      .find({ where: { userId: In([...userIds]) }, order: { discipline: 'ASC' } });
    for (const row of rows) {
      const list = byUser.get(row.userId) ?? [];
      list.push(toPrivilege(row));
      byUser.set(row.userId, list);
    }
    return byUser;
  }
}
