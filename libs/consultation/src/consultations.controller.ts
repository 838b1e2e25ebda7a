import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor, type Page } from '@hub/core';
import { Consultations } from './consultations.service.js';
import { type ConsultationView, toConsultationView } from './consultation-view.js';
import {
  CancelConsultationDto,
  ConclusionDraftDto,
  ConsentDto,
  CreateConsultationDto,
  InviteDto,
  ListConsultationsQueryDto,
  ScheduleDto,
} from './dto/consultation.dto.js';

@ApiTags('consultation')
@ApiBearerAuth()
@Controller('api/consultations')
export class ConsultationsController {
  constructor(private readonly consultations: Consultations) {}

  @Post()
  @ApiOperation({
    summary: 'Ask the lead hospital for a remote consultation (远程会诊) or an MDT session about a patient',
  })
  async create(@CurrentActor() actor: Actor, @Body() body: CreateConsultationDto): Promise<ConsultationView> {
    return toConsultationView(await this.consultations.create(actor, body));
  }

  @Get()
  @ApiOperation({ summary: 'Your consultations: your institution’s requests, your invitations, your consortium’s' })
  async list(@CurrentActor() actor: Actor, @Query() query: ListConsultationsQueryDto): Promise<Page<ConsultationView>> {
    const page = await this.consultations.list(actor, query.state, { limit: query.limit, offset: query.offset });
    return { ...page, items: page.items.map((c) => toConsultationView(c)) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'The consultation with its participants and attached materials' })
  get(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<ConsultationView> {
    return this.consultations.read(actor, id);
  }

  @Post(':id/consent')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record the patient’s informed consent (知情同意); needed before scheduling' })
  async consent(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: ConsentDto,
  ): Promise<ConsultationView> {
    return toConsultationView(await this.consultations.recordConsent(actor, id, body.note ?? null));
  }

  @Post(':id/invitations')
  @HttpCode(200)
  @ApiOperation({ summary: 'Invite a specialist (or the chair); they see the attached materials while it lasts' })
  async invite(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: InviteDto,
  ): Promise<ConsultationView> {
    return toConsultationView(await this.consultations.invite(actor, id, body));
  }

  @Delete(':id/invitations/:userId')
  @ApiOperation({ summary: 'Withdraw an invitation; the specialist loses access to the materials at once' })
  async withdraw(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('userId', ParseUUIDPipe) userId: string,
  ): Promise<ConsultationView> {
    return toConsultationView(await this.consultations.withdraw(actor, id, userId));
  }

  @Post(':id/schedule')
  @HttpCode(200)
  @ApiOperation({ summary: 'Schedule (or reschedule) it; the consent must be on record' })
  async schedule(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: ScheduleDto,
  ): Promise<ConsultationView> {
    return toConsultationView(await this.consultations.schedule(actor, id, new Date(body.scheduledAt)));
  }

  @Post(':id/start')
  @HttpCode(200)
  @ApiOperation({ summary: 'Open the live session' })
  async start(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<ConsultationView> {
    return toConsultationView(await this.consultations.start(actor, id));
  }

  @Post(':id/end')
  @HttpCode(200)
  @ApiOperation({ summary: 'End it once the conclusion is signed; the specialists’ access to the materials ends' })
  async end(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<ConsultationView> {
    return toConsultationView(await this.consultations.end(actor, id));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a consultation that has not started' })
  async cancel(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: CancelConsultationDto,
  ): Promise<ConsultationView> {
    return toConsultationView(await this.consultations.cancel(actor, id, body.reason));
  }

  @Put(':id/conclusion')
  @ApiOperation({ summary: 'The chair drafts the conclusion (会诊意见); the room sees each draft' })
  async draft(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: ConclusionDraftDto,
  ): Promise<ConsultationView> {
    return toConsultationView(await this.consultations.draftConclusion(actor, id, body.text));
  }

  @Post(':id/conclusion/sign')
  @HttpCode(200)
  @ApiOperation({ summary: 'The chair signs the conclusion with the attendance; immutable from then on' })
  async sign(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<ConsultationView> {
    return toConsultationView(await this.consultations.signConclusion(actor, id));
  }
}
