import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { type Actor, CurrentActor, type Page, Roles } from '@hub/core';
import { QueueQueryDto } from './dto/queue-query.dto.js';
import { ClaimDto } from './dto/task-actions.dto.js';
import { type QueueItem, ReadingQueries } from './reading-queries.service.js';
import { type TaskView, toTaskView } from './reading-views.js';
import { TaskLeases } from './task-leases.service.js';

@ApiTags('reading')
@ApiBearerAuth()
@Controller('api/centres/:id')
export class CentreQueueController {
  constructor(
    private readonly queries: ReadingQueries,
    private readonly leases: TaskLeases,
  ) {}

  @Get('queue')
  @Roles('reader', 'senior_reader', 'coordinator')
  @ApiOperation({ summary: 'The worklist: STAT, urgent, routine; referrals first; earliest due first' })
  queue(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: QueueQueryDto,
  ): Promise<Page<QueueItem>> {
    return this.queries.queue(
      actor,
      id,
      {
        stage: q.stage,
        states: q.state,
        priority: q.priority,
        referral: q.referral,
        requestingInstitutionId: q.institutionId,
        mine: q.mine,
      },
      { limit: q.limit, offset: q.offset },
    );
  }

  @Post('claim')
  @HttpCode(200)
  @Roles('reader', 'senior_reader')
  @ApiOperation({ summary: 'Claim the next task under a lease; the answer carries the fencing token for every write' })
  @ApiNoContentResponse({ description: 'Nothing to claim' })
  async claim(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: ClaimDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TaskView | undefined> {
    const task = await this.leases.claimNext(actor, id, body.stage ?? 'read');
    if (!task) {
      res.status(204);
      return undefined;
    }
    return toTaskView(task, actor);
  }
}
