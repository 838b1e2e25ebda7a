import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor, type Page, Roles } from '@hub/core';
import { CreateInstitutionDto } from './dto/create-institution.dto.js';
import { ListInstitutionsQueryDto } from './dto/list-institutions-query.dto.js';
import { InstitutionsService } from './institutions.service.js';
import type { Institution } from './registry.types.js';

@ApiTags('registry')
@ApiBearerAuth()
@Controller('api/institutions')
export class InstitutionsController {
  constructor(private readonly institutions: InstitutionsService) {}

  @Post()
  @Roles('admin')
  create(@CurrentActor() actor: Actor, @Body() body: CreateInstitutionDto): Promise<Institution> {
    return this.institutions.create(actor, body);
  }

  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: ListInstitutionsQueryDto): Promise<Page<Institution>> {
    return this.institutions.list(
      actor,
      { consortiumId: query.consortiumId },
      { limit: query.limit, offset: query.offset },
    );
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<Institution> {
    return this.institutions.get(actor, id);
  }
}
