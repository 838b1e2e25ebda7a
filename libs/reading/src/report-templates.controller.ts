import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditTrail } from '@hub/audit';
import { type Actor, CurrentActor, DomainError, type Discipline, DISCIPLINES, forbidden, Roles } from '@hub/core';
import type { TemplateField } from './domain/structured-fields.js';
import { ReportTemplateDto } from './dto/report-template.dto.js';

export interface ReportTemplateView {
  examCode: string;
  discipline: Discipline;
  name: string;
  fields: TemplateField[];
  updatedAt: string;
}

const EXAM_CODE = /^[A-Za-z0-9._-]{1,64}$/;

/** The structured fields of each exam's reports, per consortium; set by its administrators. */
@ApiTags('reading')
@ApiBearerAuth()
@Controller('api/report-templates')
export class ReportTemplatesController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditTrail,
  ) {}

  @Get()
  @ApiOperation({ summary: "Your consortium's report templates" })
  @ApiQuery({ name: 'discipline', required: false, enum: DISCIPLINES })
  async list(@CurrentActor() actor: Actor, @Query('discipline') discipline?: string): Promise<ReportTemplateView[]> {
    if (!actor.consortiumId) throw forbidden('Report templates belong to a consortium: log in as one of its members');
    if (discipline !== undefined && !(DISCIPLINES as readonly string[]).includes(discipline)) {
      throw new DomainError('invalid', `discipline must be one of: ${DISCIPLINES.join(', ')}`);
    }
    const rows: (ReportTemplateView & { updatedAt: Date })[] = await this.dataSource.query(
      `SELECT exam_code AS "examCode", discipline, name, fields, updated_at AS "updatedAt" FROM report_templates
        WHERE consortium_id = $1 AND ($2::text IS NULL OR discipline = $2) ORDER BY exam_code`,
      [actor.consortiumId, discipline ?? null],
    );
    return rows.map((r) => ({ ...r, updatedAt: r.updatedAt.toISOString() }));
  }

  @Put(':examCode')
  @Roles('admin')
  @ApiOperation({ summary: "Set an exam's report template (replaces the fields)" })
  async put(
    @CurrentActor() actor: Actor,
    @Param('examCode') examCode: string,
    @Body() body: ReportTemplateDto,
  ): Promise<ReportTemplateView> {
    if (!actor.consortiumId) throw forbidden("Set templates as your consortium's administrator");
    if (!EXAM_CODE.test(examCode)) {
      throw new DomainError('invalid', 'examCode may contain only letters, digits, dot, dash and underscore');
    }
    const fields: TemplateField[] = body.fields.map((f) => ({ ...f }));
    const keys = fields.map((f) => f.key);
    if (new Set(keys).size !== keys.length) throw new DomainError('invalid', 'fields: each key may appear once');
    const problems = fields.filter((f) => f.type === 'choice' && !f.options?.length).map((f) => f.key);
    if (problems.length) throw new DomainError('invalid', `fields ${problems.join(', ')}: a choice needs options`);
    const [row]: (ReportTemplateView & { updatedAt: Date })[] = await this.dataSource.transaction(async (m) => {
      const saved = await m.query(
        `INSERT INTO report_templates (consortium_id, exam_code, discipline, name, fields) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (consortium_id, exam_code)
         DO UPDATE SET discipline = EXCLUDED.discipline, name = EXCLUDED.name, fields = EXCLUDED.fields,
                       updated_at = now()
         RETURNING exam_code AS "examCode", discipline, name, fields, updated_at AS "updatedAt"`,
        [actor.consortiumId, examCode, body.discipline, body.name, JSON.stringify(fields)],
      );
      await this.audit.record(
        { action: 'reading.template.put', objectType: 'report_template', objectId: examCode, details: { keys } },
        m,
      );
      return saved;
    });
    return { ...row!, updatedAt: row!.updatedAt.toISOString() };
  }
}
