import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor, type Page, Roles } from '@hub/core';
import { CreateReadingRequestDto } from './dto/create-reading-request.dto.js';
import { ListRequestsQueryDto } from './dto/queue-query.dto.js';
import { CancelReadingRequestDto, ResubmitReadingRequestDto } from './dto/request-actions.dto.js';
import { ReadingQueries } from './reading-queries.service.js';
import { ReadingRequests } from './reading-requests.service.js';
import { type RequestView, type TaskView, toRequestView } from './reading-views.js';

@ApiTags('reading')
@ApiBearerAuth()
@Controller('api/requests')
export class RequestsController {
  constructor(
    private readonly requests: ReadingRequests,
    private readonly queries: ReadingQueries,
  ) {}

  @Post()
  @Roles('clinic_technician', 'clinic_doctor')
  @ApiOperation({ summary: "Ask the consortium's centre for a reading of one of your studies" })
  async create(@CurrentActor() actor: Actor, @Body() body: CreateReadingRequestDto): Promise<RequestView> {
    return toRequestView(await this.requests.create(actor, body), null, actor);
  }

  @Get()
  @Roles('clinic_technician', 'clinic_doctor')
  @ApiOperation({ summary: "Your institution's requests, newest first" })
  list(@CurrentActor() actor: Actor, @Query() query: ListRequestsQueryDto): Promise<Page<TaskView>> {
    return this.queries.requestsOfInstitution(actor, query.state, { limit: query.limit, offset: query.offset });
  }

  @Get(':id')
  @ApiOperation({ summary: 'Status, task and (once signed, for clinics) the report' })
  get(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<RequestView> {
    return this.queries.request(actor, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('clinic_technician', 'clinic_doctor')
  @ApiOperation({ summary: 'Cancel a request no reader has claimed (or one the centre returned)' })
  async cancel(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: CancelReadingRequestDto,
  ): Promise<RequestView> {
    return toRequestView(await this.requests.cancel(actor, id, body.reason), null, actor);
  }

  @Post(':id/resubmit')
  @HttpCode(200)
  @Roles('clinic_technician', 'clinic_doctor')
  @ApiOperation({ summary: 'Put a returned request back in the queue' })
  async resubmit(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: ResubmitReadingRequestDto,
  ): Promise<RequestView> {
    return toRequestView(await this.requests.resubmit(actor, id, body.clinicalNotes), null, actor);
  }
}
