import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor, type Page, Roles } from '@hub/core';
import { CreateUserDto } from './dto/create-user.dto.js';
import { DirectoryQueryDto, ListUsersQueryDto } from './dto/list-users-query.dto.js';
import { RegistryUsersService } from './registry-users.service.js';
import type { DirectoryEntry, RegistryUser } from './registry.types.js';

@ApiTags('registry')
@ApiBearerAuth()
@Controller('api/users')
@Roles('admin')
export class RegistryUsersController {
  constructor(private readonly users: RegistryUsersService) {}

  @Post()
  create(@CurrentActor() actor: Actor, @Body() body: CreateUserDto): Promise<RegistryUser> {
    return this.users.create(actor, body);
  }

  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: ListUsersQueryDto): Promise<Page<RegistryUser>> {
    return this.users.list(actor, { institutionId: query.institutionId }, { limit: query.limit, offset: query.offset });
  }

  @Get('directory')
  @Roles('admin', 'coordinator')
  @ApiOperation({
    summary: "Your consortium's active people (id, name, institution, roles), e.g. specialists to invite",
  })
  directory(@CurrentActor() actor: Actor, @Query() query: DirectoryQueryDto): Promise<Page<DirectoryEntry>> {
    return this.users.directory(actor, query.role, { limit: query.limit, offset: query.offset });
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<RegistryUser> {
    return this.users.get(actor, id);
  }
}
