import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor } from '@hub/core';
import { QcRecordDto } from './dto/recognition.dto.js';
import { QcRecords, type QcRecordView } from './qc-records.service.js';

@ApiTags('recognition')
@ApiBearerAuth()
@Controller('api/institutions/:institutionId/qc-records')
export class QcRecordsController {
  constructor(private readonly records: QcRecords) {}

  @Get()
  @ApiOperation({ summary: "An institution's quality-control records, superseded ones included" })
  list(
    @CurrentActor() actor: Actor,
    @Param('institutionId', ParseUUIDPipe) institutionId: string,
  ): Promise<QcRecordView[]> {
    return this.records.list(actor, institutionId);
  }

  @Post()
  @ApiOperation({ summary: 'Record that the institution passed QC for a discipline (administrators)' })
  create(
    @CurrentActor() actor: Actor,
    @Param('institutionId', ParseUUIDPipe) institutionId: string,
    @Body() body: QcRecordDto,
  ): Promise<QcRecordView> {
    return this.records.create(actor, institutionId, body);
  }

  @Put(':recordId')
  @ApiOperation({ summary: 'Correct a QC record: the old one stays, superseded by the new' })
  supersede(
    @CurrentActor() actor: Actor,
    @Param('institutionId', ParseUUIDPipe) institutionId: string,
    @Param('recordId', ParseUUIDPipe) recordId: string,
    @Body() body: QcRecordDto,
  ): Promise<QcRecordView> {
    return this.records.supersede(actor, institutionId, recordId, body);
  }
}
