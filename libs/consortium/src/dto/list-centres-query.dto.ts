import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { type Discipline, DISCIPLINES } from '@hub/core';
import { PageQueryDto } from '@hub/core';

export class ListCentresQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Platform administrator: limit to one consortium; others: only their own' })
  @IsOptional()
  @IsUUID()
  consortiumId?: string;

  @ApiPropertyOptional({ enum: DISCIPLINES })
  @IsOptional()
  @IsIn(DISCIPLINES)
  discipline?: Discipline;
}
