import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { conflict, type Discipline, HUB_CONFIG, type HubConfig, type Page, type PageRequest } from '@hub/core';
import { type ChangeKinds, ChangeNotifications, isUniqueViolation, NotifiedCache, PreparedStatement } from '@hub/db';
import { CentreServedInstitutionEntity } from './entities/centre-served-institution.entity.js';
import { CentreEntity } from './entities/centre.entity.js';
import type { Centre, CentreForReader, NewCentre, ReadingPrivilege } from './registry.types.js';

interface CentreRow {
  id: string;
  consortium_id: string;
  host_institution_id: string;
  name: string;
  discipline: Discipline;
  sla_stat_minutes: number;
  sla_urgent_minutes: number;
  sla_routine_minutes: number;
  two_step_signoff: boolean;
  created_at: Date;
  served: string[];
}

const SELECT_CENTRE = `
  SELECT c.*,
         COALESCE((SELECT array_agg(s.institution_id::text ORDER BY s.institution_id)
                     FROM centre_served_institutions s WHERE s.centre_id = c.id), '{}'::text[]) AS served
    FROM centres c`;

const centreById = new PreparedStatement<CentreRow>(`${SELECT_CENTRE} WHERE c.id = $1`);

/** The centre and a reader's privileges in one round trip: every claim, save and sign checks both. */
const centreAndPrivileges = new PreparedStatement<CentreRow & { privileges: ReadingPrivilege[] }>(
  `SELECT centre.*,
          (SELECT coalesce(json_agg(json_build_object('discipline', p.discipline, 'canSign', p.can_sign)
                                    ORDER BY p.discipline), '[]'::json)
             FROM reading_privileges p WHERE p.user_id = $2) AS privileges
     FROM (${SELECT_CENTRE} WHERE c.id = $1) centre`,
);

const toCentre = (r: CentreRow): Centre => ({
  id: r.id,
  consortiumId: r.consortium_id,
  hostInstitutionId: r.host_institution_id,
  name: r.name,
  discipline: r.discipline,
  sla: { stat: r.sla_stat_minutes, urgent: r.sla_urgent_minutes, routine: r.sla_routine_minutes },
  twoStepSignoff: r.two_step_signoff,
  servedInstitutionIds: r.served,
  createdAt: r.created_at,
});

export interface CentreFilter {
  consortiumId: string | null;
  discipline?: Discipline;
}

/** The channel the registry_change_notify() trigger (migration RegistryChangeNotifications) notifies on. */
export const REGISTRY_CHANGE_CHANNEL = 'hub_registry_change';

const readerKey = (centreId: string, userId: string) => `${centreId}/${userId}`;

/**
 * What registry_change_notify() names: 'centre:<id>' that centre for every reader, 'reader:<user id>' every centre for
 * that reader ('all', after a TRUNCATE, drops everything).
 */
export const REGISTRY_CHANGES: ChangeKinds<CentreForReader> = {
  centre: (id) => (key) => key.startsWith(`${id}/`),
  reader: (id) => (key) => key.endsWith(`/${id}`),
};

@Injectable()
export class CentreRepository {
  /** Centres with a reader's privileges, as last read (REGISTRY_CACHE_SECONDS), dropped by change notifications. */
  private readonly readers: NotifiedCache<CentreForReader>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(HUB_CONFIG) config: HubConfig,
    changes: ChangeNotifications,
  ) {
    this.readers = new NotifiedCache<CentreForReader>({
      maxEntries: 10_000,
      maxAgeMs: config.REGISTRY_CACHE_SECONDS * 1000,
    });
    changes.subscribe(REGISTRY_CHANGE_CHANNEL, this.readers, REGISTRY_CHANGES);
  }

  /** The centre and the institutions it serves; call inside a transaction so both land or neither. 409 on a taken name. */
  async insert(input: NewCentre, manager: EntityManager): Promise<Centre> {
    const centres = manager.getRepository(CentreEntity);
    let saved: CentreEntity;
    try {
      saved = await centres.save(
        centres.create({
          consortiumId: input.consortiumId,
          hostInstitutionId: input.hostInstitutionId,
          name: input.name,
          discipline: input.discipline,
          slaStatMinutes: input.sla.stat,
          slaUrgentMinutes: input.sla.urgent,
          slaRoutineMinutes: input.sla.routine,
          twoStepSignoff: input.twoStepSignoff,
        }),
      );
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw conflict(`A centre named '${input.name}' already exists in this consortium`, { field: 'name' });
      }
      throw err;
    }
    if (input.servedInstitutionIds.length > 0) {
      await manager
        .getRepository(CentreServedInstitutionEntity)
        .insert(input.servedInstitutionIds.map((institutionId) => ({ centreId: saved.id, institutionId })));
    }
    return {
      id: saved.id,
      consortiumId: saved.consortiumId,
      hostInstitutionId: saved.hostInstitutionId,
      name: saved.name,
      discipline: saved.discipline,
      sla: { ...input.sla },
      twoStepSignoff: saved.twoStepSignoff,
      servedInstitutionIds: [...input.servedInstitutionIds].sort(),
      createdAt: saved.createdAt,
    };
  }

  /** `manager`: read on the caller's transaction (a second pooled connection per request can deadlock the pool). */
  async findById(id: string, manager?: EntityManager): Promise<Centre | null> {
    const [row] = await centreById.run(manager ?? this.dataSource, [id]);
    return row ? toCentre(row) : null;
  }

  /** The centre with the reading privileges of `userId` (any discipline); null when there is no such centre. */
  async findForReader(id: string, userId: string, manager?: EntityManager): Promise<CentreForReader | null> {
    const key = readerKey(id, userId);
    const cached = this.readers.find(key);
    if (cached) return cached;
    const generation = this.readers.begin();
    const [row] = await centreAndPrivileges.run(manager ?? this.dataSource, [id, userId]);
    if (!row) return null;
    const reader: CentreForReader = { centre: toCentre(row), privileges: row.privileges };
    this.readers.keep(generation, key, reader);
    return reader;
  }

  /** The centres a consortium runs, or those an institution hosts (its readers work there). */
  async findWhere(filter: { consortiumId: string } | { hostInstitutionId: string }): Promise<Centre[]> {
    const [column, value] =
      'consortiumId' in filter
        ? ['consortium_id', filter.consortiumId]
        : ['host_institution_id', filter.hostInstitutionId];
    const rows: CentreRow[] = await this.dataSource.query(`${SELECT_CENTRE} WHERE c.${column} = $1 ORDER BY c.id`, [
      value,
    ]);
    return rows.map(toCentre);
  }

  async list(filter: CentreFilter, page: PageRequest): Promise<Page<Centre>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.consortiumId) {
      params.push(filter.consortiumId);
      where.push(`c.consortium_id = $${params.length}`);
    }
    if (filter.discipline) {
      params.push(filter.discipline);
      where.push(`c.discipline = $${params.length}`);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }]: { total: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS total FROM centres c ${clause}`,
      params,
    );
    const rows: CentreRow[] = await this.dataSource.query(
      `${SELECT_CENTRE} ${clause} ORDER BY c.consortium_id, c.discipline, c.name
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, page.limit, page.offset],
    );
    return { items: rows.map(toCentre), total, ...page };
  }

  /** The centres of a discipline that serve an institution (normally one), oldest first. */
  async findServing(institutionId: string, discipline: Discipline): Promise<Centre[]> {
    const rows: CentreRow[] = await this.dataSource.query(
      `${SELECT_CENTRE}
        WHERE c.discipline = $2
          AND EXISTS (SELECT 1 FROM centre_served_institutions s WHERE s.centre_id = c.id AND s.institution_id = $1)
        ORDER BY c.created_at, c.id`,
      [institutionId, discipline],
    );
    return rows.map(toCentre);
  }
}
