import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { INSTITUTION_LEVELS, type InstitutionLevel } from '@hub/core';
import type { InstitutionRequest } from '../registry.types.js';

export class CreateInstitutionDto implements InstitutionRequest {
  @ApiPropertyOptional({ description: "Defaults to the caller's consortium; the platform administrator must give it" })
  @IsOptional()
  @IsUUID()
  consortiumId?: string;

  @ApiProperty({
    example: 'TC-01',
    description: 'Unique within the consortium: letters, digits, dot, dash, underscore',
  })
  @IsString()
  @MaxLength(64)
  @Matches(/^[A-Za-z0-9._-]+$/, { message: 'code may contain only letters, digits, dot, dash and underscore' })
  code!: string;

  @ApiProperty({ example: '转塘街道社区卫生服务中心' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: INSTITUTION_LEVELS })
  @IsIn(INSTITUTION_LEVELS)
  level!: InstitutionLevel;

  @ApiPropertyOptional({ example: '西湖区-转塘网格' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  gridArea?: string;
}
