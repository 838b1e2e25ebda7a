import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DecisionView, RecognitionLookupView, RecognitionStatsView } from '@hub/contracts';
import { type Actor, chinaMonth, CurrentActor, DomainError } from '@hub/core';
import { addMonths } from './domain/recognisability.js';
import { DecisionDto, LookupQueryDto, StatsQueryDto } from './dto/recognition.dto.js';
import { RecognitionDecisions } from './recognition-decisions.service.js';
import { RecognitionLookups } from './recognition-lookups.service.js';
import { RecognitionStats } from './recognition-stats.service.js';

/** The longest statistics window, in months: a report, not a data export. */
const MAX_STATS_MONTHS = 36;

@ApiTags('recognition')
@ApiBearerAuth()
@Controller()
export class RecognitionController {
  constructor(
    private readonly lookups: RecognitionLookups,
    private readonly decisions: RecognitionDecisions,
    private readonly stats: RecognitionStats,
  ) {}

  @Get('api/patients/:id/recognizable')
  @ApiOperation({
    summary: "Before a repeat test: the patient's results of the item from any member, recognisable or not (with why)",
  })
  lookUp(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) patientId: string,
    @Query() query: LookupQueryDto,
  ): Promise<RecognitionLookupView> {
    return this.lookups.lookUp(actor, patientId, query.item);
  }

  @Get('api/patients/:id/recognition-decisions')
  @ApiOperation({ summary: "The patient's recognition decisions, newest first" })
  history(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) patientId: string): Promise<DecisionView[]> {
    return this.decisions.history(actor, patientId);
  }

  @Post('api/recognition/decisions')
  @ApiOperation({ summary: 'Recognise a looked-up result, or record why not (the patient informed)' })
  decide(@CurrentActor() actor: Actor, @Body() body: DecisionDto): Promise<DecisionView> {
    return this.decisions.decide(actor, body);
  }

  @Get('api/recognition/stats')
  @ApiOperation({ summary: 'Recognition rate, repeats avoided and estimated saving per institution, item and month' })
  statistics(@CurrentActor() actor: Actor, @Query() query: StatsQueryDto): Promise<RecognitionStatsView> {
    const to = query.to ?? chinaMonth(new Date());
    const from = query.from ?? addMonths(to, -11);
    if (from > to) throw new DomainError('unprocessable', `from (${from}) is after to (${to})`);
    if (addMonths(from, MAX_STATS_MONTHS - 1) < to) {
      throw new DomainError('unprocessable', `Ask for at most ${MAX_STATS_MONTHS} months at a time`);
    }
    return this.stats.byInstitutionItemMonth(actor, from, to);
  }
}
