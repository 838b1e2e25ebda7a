import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { type Discipline, DISCIPLINES } from '@hub/core';
import type { CentreRequest } from '../registry.types.js';
import { SlaDto } from './sla.dto.js';

export class CreateCentreDto implements CentreRequest {
  @ApiPropertyOptional({ description: "Defaults to the caller's consortium; the platform administrator must give it" })
  @IsOptional()
  @IsUUID()
  consortiumId?: string;

  @ApiProperty({ example: '区域影像中心' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: DISCIPLINES })
  @IsIn(DISCIPLINES)
  discipline!: Discipline;

  @ApiProperty({ description: 'The member institution that runs the centre (normally the lead hospital)' })
  @IsUUID()
  hostInstitutionId!: string;

  @ApiProperty({ type: [String], format: 'uuid', description: 'Member institutions whose studies the centre reads' })
  @IsArray()
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @IsUUID(undefined, { each: true })
  servedInstitutionIds!: string[];

  @ApiPropertyOptional({ type: () => SlaDto, description: 'Defaults to STAT 30 min, urgent 120 min, routine 1440 min' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SlaDto)
  sla?: SlaDto;

  @ApiPropertyOptional({ default: true, description: '审核签发: a senior signs what a junior drafts' })
  @IsOptional()
  @IsBoolean()
  twoStepSignoff?: boolean;
}
