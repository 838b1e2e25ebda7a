import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '@hub/core';

export class ListInstitutionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Platform administrator: limit to one consortium; others: only their own' })
  @IsOptional()
  @IsUUID()
  consortiumId?: string;
}
