import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor, DomainError } from '@hub/core';
import { type CatalogueItemView, RecognitionCatalogue, type RecognitionSettingsView } from './catalogue.service.js';
import { CatalogueItemDto, CatalogueQueryDto, ITEM_CODE, RecognitionSettingsDto } from './dto/recognition.dto.js';

@ApiTags('recognition')
@ApiBearerAuth()
@Controller('api/recognition')
export class RecognitionCatalogueController {
  constructor(private readonly catalogue: RecognitionCatalogue) {}

  @Get('items')
  @ApiOperation({ summary: "Your consortium's catalogue of mutually recognised items (互认项目)" })
  items(@CurrentActor() actor: Actor, @Query() query: CatalogueQueryDto): Promise<CatalogueItemView[]> {
    return this.catalogue.list(actor, {
      discipline: query.discipline,
      includeInactive: query.includeInactive === 'true',
    });
  }

  @Put('items/:code')
  @ApiOperation({ summary: 'Add or change a catalogue item (administrators); active: false takes it out' })
  putItem(
    @CurrentActor() actor: Actor,
    @Param('code') code: string,
    @Body() body: CatalogueItemDto,
  ): Promise<CatalogueItemView> {
    if (!ITEM_CODE.test(code)) {
      throw new DomainError('invalid', 'code may contain only letters, digits, dot, dash and underscore (at most 64)');
    }
    return this.catalogue.put(actor, code, { ...body, active: body.active ?? true });
  }

  @Get('settings')
  @ApiOperation({ summary: 'The HR mark of your consortium' })
  settings(@CurrentActor() actor: Actor): Promise<RecognitionSettingsView> {
    return this.catalogue.settings(actor);
  }

  @Put('settings')
  @ApiOperation({ summary: 'Set the scope named in the HR mark (administrators)' })
  putSettings(@CurrentActor() actor: Actor, @Body() body: RecognitionSettingsDto): Promise<RecognitionSettingsView> {
    return this.catalogue.putSettings(actor, body.hrScope.trim());
  }
}
