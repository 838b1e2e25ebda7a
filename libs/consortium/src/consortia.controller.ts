import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor, type Page, Roles } from '@hub/core';
import { ConsortiaService } from './consortia.service.js';
import { CreateConsortiumDto } from './dto/create-consortium.dto.js';
import { PageQueryDto } from '@hub/core';
import type { Consortium } from './registry.types.js';

@ApiTags('registry')
@ApiBearerAuth()
@Controller('api/consortia')
export class ConsortiaController {
  constructor(private readonly consortia: ConsortiaService) {}

  @Post()
  @Roles('admin')
  create(@CurrentActor() actor: Actor, @Body() body: CreateConsortiumDto): Promise<Consortium> {
    return this.consortia.create(actor, { code: body.code, name: body.name });
  }

  @Get()
  @Roles('admin')
  list(@CurrentActor() actor: Actor, @Query() query: PageQueryDto): Promise<Page<Consortium>> {
    return this.consortia.list(actor, { limit: query.limit, offset: query.offset });
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<Consortium> {
    return this.consortia.get(actor, id);
  }
}
