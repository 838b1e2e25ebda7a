import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor } from '@hub/core';
import { DicomModalities } from './dicom-modalities.service.js';
import { AutoRequestDto, ModalityListQueryDto, RegisterModalityDto } from './dto/modality.dto.js';
import type { ModalityView } from './modality.types.js';

@ApiTags('dicom-gateway')
@ApiBearerAuth()
@Controller('api/modalities')
export class DicomModalitiesController {
  constructor(private readonly modalities: DicomModalities) {}

  @Post()
  @ApiOperation({
    summary: "Register a clinic's modality (calling AE title, allowed addresses): administrators",
  })
  register(@CurrentActor() actor: Actor, @Body() body: RegisterModalityDto): Promise<ModalityView> {
    return this.modalities.register(actor, body);
  }

  @Get()
  @ApiOperation({ summary: "Modalities of the consortium (administrators, coordinators) or of the caller's clinic" })
  list(@CurrentActor() actor: Actor, @Query() query: ModalityListQueryDto): Promise<ModalityView[]> {
    return this.modalities.list(actor, query.institutionId);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a modality: its calls are refused from then on (administrators)' })
  remove(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.modalities.remove(actor, id);
  }

  @Put(':id/auto-request')
  @ApiOperation({
    summary: "Studies from this modality get a reading request in the caller's name (the clinic's staff)",
  })
  setAutoRequest(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: AutoRequestDto,
  ): Promise<ModalityView> {
    return this.modalities.setAutoRequest(actor, id, body);
  }

  @Delete(':id/auto-request')
  @ApiOperation({ summary: 'Stop making reading requests for studies from this modality (the clinic’s staff)' })
  clearAutoRequest(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<ModalityView> {
    return this.modalities.clearAutoRequest(actor, id);
  }
}
