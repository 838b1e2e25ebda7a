import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { CatalogueItemView } from '@hub/contracts';
import { AuditTrail } from '@hub/audit';
import { type Actor, type Discipline, forbidden, notFound } from '@hub/core';
import { type CatalogueItem, DEFAULT_CATALOGUE } from './domain/default-catalogue.js';
import { mayAdministerRecognition } from './domain/recognition-access.js';
import { hrMark } from './domain/recognisability.js';

export type { CatalogueItemView } from '@hub/contracts';

export interface RecognitionSettingsView {
  hrScope: string;
  hrMark: string;
}

interface ItemRow {
  code: string;
  nameZh: string;
  nameEn: string;
  discipline: Discipline;
  validityDays: number;
  priceYuan: string;
  active: boolean;
  updatedAt: Date;
}

export const ITEM_COLUMNS = `code, name_zh AS "nameZh", name_en AS "nameEn", discipline, validity_days AS "validityDays",
  price_yuan AS "priceYuan", active, updated_at AS "updatedAt"`;

const toView = (r: ItemRow): CatalogueItemView => ({
  ...r,
  priceYuan: Number(r.priceYuan),
  updatedAt: r.updatedAt.toISOString(),
});

/** An item selected with ITEM_COLUMNS and passed through JSON (row_to_json), as the API shows it. */
export const itemFromJson = (r: Omit<ItemRow, 'updatedAt'> & { updatedAt: string }): CatalogueItemView =>
  toView({ ...r, updatedAt: new Date(r.updatedAt) });

/** A consortium's catalogue of recognised items and its HR scope; seeded with the defaults on first use. */
@Injectable()
export class RecognitionCatalogue {
  /** Consortia whose seeding has committed: settings rows are never deleted, so this only saves a query per use. */
  private readonly seeded = new Set<string>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditTrail,
  ) {}

  async list(
    actor: Actor,
    filter: { discipline?: Discipline; includeInactive?: boolean },
  ): Promise<CatalogueItemView[]> {
    const consortiumId = this.memberConsortium(actor);
    await this.ensureSeeded(consortiumId);
    const rows: ItemRow[] = await this.dataSource.query(
      `SELECT ${ITEM_COLUMNS} FROM recognition_items
        WHERE consortium_id = $1 AND ($2::text IS NULL OR discipline = $2) AND ($3 OR active)
        ORDER BY discipline, code`,
      [consortiumId, filter.discipline ?? null, filter.includeInactive ?? false],
    );
    return rows.map(toView);
  }

  /**
   * One item of the consortium's catalogue (active or not), or 404 naming where to find the codes. Call ensureSeeded
   * first (outside the caller's transaction).
   */
  async item(
    consortiumId: string,
    code: string,
    m: EntityManager = this.dataSource.manager,
  ): Promise<CatalogueItemView> {
    const [row]: ItemRow[] = await m.query(
      `SELECT ${ITEM_COLUMNS} FROM recognition_items WHERE consortium_id = $1 AND code = $2`,
      [consortiumId, code],
    );
    if (!row) throw notFound('Recognition catalogue item', `${code} (see GET /api/recognition/items)`);
    return toView(row);
  }

  /** Adds or replaces an item; taking one out is `active: false`, so its history and statistics stay. */
  async put(
    actor: Actor,
    code: string,
    item: Omit<CatalogueItem, 'code'> & { active: boolean },
  ): Promise<CatalogueItemView> {
    const consortiumId = await this.administered(actor, 'recognition.item.put', code);
    await this.ensureSeeded(consortiumId);
    return this.dataSource.transaction(async (m) => {
      const [row]: ItemRow[] = await m.query(
        `INSERT INTO recognition_items (consortium_id, code, name_zh, name_en, discipline, validity_days, price_yuan, active)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (consortium_id, code) DO UPDATE SET name_zh = $3, name_en = $4, discipline = $5, validity_days = $6,
                price_yuan = $7, active = $8, updated_at = now()
         RETURNING ${ITEM_COLUMNS}`,
        [consortiumId, code, item.nameZh, item.nameEn, item.discipline, item.validityDays, item.priceYuan, item.active],
      );
      await this.audit.record(
        { action: 'recognition.item.put', objectType: 'recognition_item', objectId: code, details: { ...item } },
        m,
      );
      return toView(row!);
    });
  }

  async settings(actor: Actor): Promise<RecognitionSettingsView> {
    const consortiumId = this.memberConsortium(actor);
    await this.ensureSeeded(consortiumId);
    return this.settingsOf(consortiumId);
  }

  /** The HR scope of a seeded consortium (call ensureSeeded first, outside the caller's transaction). */
  async settingsOf(consortiumId: string, m: EntityManager = this.dataSource.manager): Promise<RecognitionSettingsView> {
    const [row]: { hrScope: string }[] = await m.query(
      'SELECT hr_scope AS "hrScope" FROM recognition_settings WHERE consortium_id = $1',
      [consortiumId],
    );
    return { hrScope: row!.hrScope, hrMark: hrMark(row!.hrScope) };
  }

  async putSettings(actor: Actor, hrScope: string): Promise<RecognitionSettingsView> {
    const consortiumId = await this.administered(actor, 'recognition.settings.put', null);
    await this.ensureSeeded(consortiumId);
    await this.dataSource.transaction(async (m) => {
      await m.query('UPDATE recognition_settings SET hr_scope = $2, updated_at = now() WHERE consortium_id = $1', [
        consortiumId,
        hrScope,
      ]);
      await this.audit.record(
        { action: 'recognition.settings.put', objectType: 'consortium', objectId: consortiumId, details: { hrScope } },
        m,
      );
    });
    return { hrScope, hrMark: hrMark(hrScope) };
  }

  /**
   * The first time a consortium's catalogue is used it gets the default items and its own name as HR scope. The
   * settings row is the marker, so items an administrator later removes or changes are never seeded again. Runs in a
   * transaction of its own, so what it remembers has committed.
   */
  async ensureSeeded(consortiumId: string): Promise<void> {
    if (this.seeded.has(consortiumId)) return;
    const known: unknown[] = await this.dataSource.query(
      'SELECT 1 FROM recognition_settings WHERE consortium_id = $1',
      [consortiumId],
    );
    if (known.length === 0) await this.dataSource.transaction((m) => this.seed(m, consortiumId));
    this.seeded.add(consortiumId);
  }

  /** Settings row and default items in one transaction: a concurrent first use waits on the row, then finds both. */
  private async seed(m: EntityManager, consortiumId: string): Promise<void> {
    const seeded: unknown[] = await m.query(
      `INSERT INTO recognition_settings (consortium_id, hr_scope, catalogue_seeded_at)
       SELECT id, name, now() FROM consortia WHERE id = $1
       ON CONFLICT (consortium_id) DO NOTHING RETURNING consortium_id`,
      [consortiumId],
    );
    if (seeded.length === 0) return;
    await m.query(
      `INSERT INTO recognition_items (consortium_id, code, name_zh, name_en, discipline, validity_days, price_yuan)
       SELECT $1, d.code, d."nameZh", d."nameEn", d.discipline, d."validityDays", d."priceYuan"
         FROM jsonb_to_recordset($2::jsonb) AS d(code text, "nameZh" text, "nameEn" text, discipline text,
                                                 "validityDays" int, "priceYuan" numeric)
       ON CONFLICT (consortium_id, code) DO NOTHING`,
      [consortiumId, JSON.stringify(DEFAULT_CATALOGUE)],
    );
  }

  private memberConsortium(actor: Actor): string {
    if (!actor.consortiumId) {
      throw forbidden('The recognition catalogue belongs to a consortium: log in as one of its members');
    }
    return actor.consortiumId;
  }

  private async administered(actor: Actor, action: string, objectId: string | null): Promise<string> {
    if (mayAdministerRecognition(actor)) return actor.consortiumId!;
    await this.audit.record({ action, objectType: 'recognition_item', objectId, outcome: 'denied' });
    throw forbidden("The catalogue and the HR scope are set by the consortium's administrators");
  }
}
