import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { type Discipline, DISCIPLINES } from '@hub/core';
import { FIELD_TYPES, type FieldType, type TemplateField } from '../domain/structured-fields.js';

export class TemplateFieldDto implements TemplateField {
  @ApiProperty({ example: 'lvef' })
  @IsString()
  @Matches(/^[a-z][a-zA-Z0-9_]{0,63}$/, { message: 'key must be an identifier such as lvef or qt_interval' })
  key!: string;

  @ApiProperty({ example: '左室射血分数' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  label!: string;

  @ApiProperty({ enum: FIELD_TYPES })
  @IsIn(FIELD_TYPES, { message: `type must be one of: ${FIELD_TYPES.join(', ')}` })
  type!: FieldType;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() required?: boolean;

  @ApiPropertyOptional({ type: [String], description: 'choice: the allowed values' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  options?: string[];

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20) unit?: string;
  @ApiPropertyOptional() @IsOptional() @IsNumber() min?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() max?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) maxLength?: number;
}

export class ReportTemplateDto {
  @ApiProperty({ enum: DISCIPLINES })
  @IsIn(DISCIPLINES)
  discipline!: Discipline;

  @ApiProperty({ example: '超声心动图' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ type: [TemplateFieldDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => TemplateFieldDto)
  fields!: TemplateFieldDto[];
}
