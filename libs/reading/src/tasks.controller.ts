import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor, Roles } from '@hub/core';
import { FencedDto, ReturnTaskDto, SaveReportDto } from './dto/task-actions.dto.js';
import { ReadingQueries } from './reading-queries.service.js';
import { type RequestView, type TaskView, toTaskView } from './reading-views.js';
import { ReportWriter } from './report-writer.service.js';
import { TaskLeases } from './task-leases.service.js';

@ApiTags('reading')
@ApiBearerAuth()
@Roles('reader', 'senior_reader')
@Controller('api/tasks/:id')
export class TasksController {
  constructor(
    private readonly leases: TaskLeases,
    private readonly writer: ReportWriter,
    private readonly queries: ReadingQueries,
  ) {}

  @Get()
  @Roles('reader', 'senior_reader', 'coordinator')
  @ApiOperation({ summary: 'The task with its request and current report' })
  get(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<RequestView> {
    return this.queries.task(actor, id);
  }

  @Post('heartbeat')
  @HttpCode(200)
  @ApiOperation({ summary: 'Extend your lease' })
  async heartbeat(
    @CurrentActor() a: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() b: FencedDto,
  ): Promise<TaskView> {
    return toTaskView(await this.leases.heartbeat(a, id, b.fencingToken), a);
  }

  @Post('release')
  @HttpCode(200)
  @ApiOperation({ summary: 'Give the task back to the queue (the draft stays with it)' })
  async release(
    @CurrentActor() a: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() b: FencedDto,
  ): Promise<TaskView> {
    return toTaskView(await this.leases.release(a, id, b.fencingToken), a);
  }

  @Put('report')
  @ApiOperation({ summary: 'Save the draft report (a new version each time)' })
  async saveReport(
    @CurrentActor() a: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() b: SaveReportDto,
  ): Promise<RequestView> {
    await this.writer.saveDraft(a, id, b.fencingToken, b);
    return this.queries.task(a, id);
  }

  @Post('submit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send the report for review by a senior reader (two-step centres)' })
  async submit(
    @CurrentActor() a: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() b: FencedDto,
  ): Promise<TaskView> {
    return toTaskView(await this.writer.submit(a, id, b.fencingToken), a);
  }

  @Post('sign')
  @HttpCode(200)
  @Roles('senior_reader')
  @ApiOperation({ summary: 'Sign the report: final and immutable; the requesting clinic is told at once' })
  async sign(
    @CurrentActor() a: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() b: FencedDto,
  ): Promise<RequestView> {
    await this.writer.sign(a, id, b.fencingToken);
    return this.queries.task(a, id);
  }

  @Post('return')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send the task back to the requesting clinic with a reason' })
  async returnTask(
    @CurrentActor() a: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() b: ReturnTaskDto,
  ): Promise<TaskView> {
    return toTaskView(await this.writer.returnToClinic(a, id, b.fencingToken, b.reason, b.note), a);
  }
}
