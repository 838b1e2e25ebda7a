import { Body, Controller, Get, Headers, Param, ParseUUIDPipe, Post, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { type Actor, conflict, CurrentActor, Roles } from '@hub/core';
import { AddendumDto } from './dto/task-actions.dto.js';
import { ReadingQueries } from './reading-queries.service.js';
import type { ReportView } from './report-view.js';
import { ReportWriter } from './report-writer.service.js';
import { toFhirDiagnosticReport } from './render/fhir-diagnostic-report.js';
import { renderReportPdf } from './render/report-pdf.js';

const FHIR_JSON = 'application/fhir+json';

@ApiTags('reading')
@ApiBearerAuth()
@Controller('api/reports/:id')
export class ReportsController {
  constructor(
    private readonly queries: ReadingQueries,
    private readonly writer: ReportWriter,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The report; clinics see it once signed. hashVerified re-checks the signed content',
    description: `With Accept: ${FHIR_JSON}, a FHIR R4 DiagnosticReport instead.`,
  })
  @ApiProduces('application/json', FHIR_JSON)
  async get(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    const report = await this.queries.report(actor, id);
    if (!accept?.includes(FHIR_JSON)) return report;
    res.type(FHIR_JSON);
    return toFhirDiagnosticReport(report);
  }

  @Get('pdf')
  @ApiOperation({ summary: 'The signed report as a printable A4 PDF (Simplified Chinese)' })
  @ApiProduces('application/pdf')
  async pdf(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<StreamableFile> {
    const report = await this.queries.report(actor, id);
    if (report.status !== 'signed') throw conflict('Only a signed report is printed; this one is still a draft');
    const fields = await this.queries.templateFields(actor, report.examCode);
    return new StreamableFile(renderReportPdf(report, { fields: fields ?? undefined }), {
      type: 'application/pdf',
      disposition: `inline; filename="report-${report.id}.pdf"`,
    });
  }

  @Post('addenda')
  @Roles('senior_reader')
  @ApiOperation({ summary: 'Add a signed correction (更正补充) to a signed report' })
  async addAddendum(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: AddendumDto,
  ): Promise<ReportView> {
    await this.writer.addAddendum(actor, id, body.text, body.changesResult ?? false);
    return this.queries.report(actor, id);
  }
}
