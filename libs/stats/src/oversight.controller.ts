import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CentresOversight, ClinicsOversight, DailyOversight } from '@hub/contracts';
import { type Actor, CurrentActor, Roles } from '@hub/core';
import { OVERSIGHT_ROLES } from './domain/oversight-access.js';
import { OversightQueryDto } from './dto/oversight-query.dto.js';
import { Oversight } from './oversight.service.js';

@ApiTags('oversight')
@ApiBearerAuth()
@Roles(...OVERSIGHT_ROLES)
@Controller('api/oversight')
export class OversightController {
  constructor(private readonly oversight: Oversight) {}

  @Get('centres')
  @ApiOperation({
    summary:
      'Per centre: queue depth now by priority; in the window requests, signatures, turnaround p50/p90 (request to ' +
      'signature), SLA compliance, breaches and returns',
  })
  centres(@CurrentActor() actor: Actor, @Query() query: OversightQueryDto): Promise<CentresOversight> {
    return this.oversight.centres(actor, query);
  }

  @Get('clinics')
  @ApiOperation({
    summary:
      'Per institution: studies uploaded, requests made, reports signed, recognition look-ups, decisions and rate ' +
      '(per item and month, with the saving: GET /api/recognition/stats)',
  })
  clinics(@CurrentActor() actor: Actor, @Query() query: OversightQueryDto): Promise<ClinicsOversight> {
    return this.oversight.clinics(actor, query);
  }

  @Get('daily')
  @ApiOperation({ summary: "The consortium's activity per China calendar day of the window, for charts" })
  daily(@CurrentActor() actor: Actor, @Query() query: OversightQueryDto): Promise<DailyOversight> {
    return this.oversight.daily(actor, query);
  }
}
