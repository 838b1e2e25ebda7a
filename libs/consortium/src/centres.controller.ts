import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor, type Page, Roles } from '@hub/core';
import { CentresService } from './centres.service.js';
import { CreateCentreDto } from './dto/create-centre.dto.js';
import { ListCentresQueryDto } from './dto/list-centres-query.dto.js';
import type { Centre } from './registry.types.js';

@ApiTags('registry')
@ApiBearerAuth()
@Controller('api/centres')
export class CentresController {
  constructor(private readonly centres: CentresService) {}

  @Post()
  @Roles('admin')
  create(@CurrentActor() actor: Actor, @Body() body: CreateCentreDto): Promise<Centre> {
    return this.centres.create(actor, body);
  }

  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: ListCentresQueryDto): Promise<Page<Centre>> {
    return this.centres.list(
      actor,
      { consortiumId: query.consortiumId, discipline: query.discipline },
      { limit: query.limit, offset: query.offset },
    );
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<Centre> {
    return this.centres.get(actor, id);
  }
}
