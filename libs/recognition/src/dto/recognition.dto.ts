import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { type Discipline, DISCIPLINES } from '@hub/core';
import { DECISIONS, type Decision, NOT_RECOGNISED_REASONS } from '../domain/not-recognised-reasons.js';

export const ITEM_CODE = /^[A-Za-z0-9._-]{1,64}$/;
const ITEM_CODE_MESSAGE = 'item codes contain only letters, digits, dot, dash and underscore (at most 64)';
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export class CatalogueItemDto {
  @ApiProperty({ maxLength: 100, example: '血常规' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  nameZh!: string;

  @ApiProperty({ maxLength: 200, example: 'Complete blood count' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  nameEn!: string;

  @ApiProperty({ enum: DISCIPLINES })
  @IsIn(DISCIPLINES, { message: `discipline must be one of: ${DISCIPLINES.join(', ')}` })
  discipline!: Discipline;

  @ApiProperty({
    minimum: 1,
    maximum: 3650,
    description: 'How many days after it was performed a result is recognised',
  })
  @IsInt()
  @Min(1)
  @Max(3650)
  validityDays!: number;

  @ApiProperty({ minimum: 0, description: 'Usual charge in yuan, for the savings estimate' })
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(1_000_000)
  priceYuan!: number;

  @ApiPropertyOptional({ default: true, description: 'false takes the item out of the catalogue (history stays)' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class RecognitionSettingsDto {
  @ApiProperty({ maxLength: 60, example: '通州区医共体', description: 'The mark reads "<hrScope>HR"' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(60)
  hrScope!: string;
}

export class CatalogueQueryDto {
  @ApiPropertyOptional({ enum: DISCIPLINES })
  @IsOptional()
  @IsIn(DISCIPLINES, { message: `discipline must be one of: ${DISCIPLINES.join(', ')}` })
  discipline?: Discipline;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Include items taken out of the catalogue' })
  @IsOptional()
  @IsIn(['true', 'false'])
  includeInactive?: 'true' | 'false';
}

export class QcRecordDto {
  @ApiProperty({ enum: DISCIPLINES })
  @IsIn(DISCIPLINES, { message: `discipline must be one of: ${DISCIPLINES.join(', ')}` })
  discipline!: Discipline;

  @ApiProperty({ example: '2026-01-01', description: 'First day QC was passed (China calendar day)' })
  @Matches(DAY, { message: 'passedFrom must be a day, YYYY-MM-DD' })
  passedFrom!: string;

  @ApiPropertyOptional({ example: '2026-12-31', nullable: true, description: 'Last day (inclusive); none: open-ended' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @Matches(DAY, { message: 'passedTo must be a day, YYYY-MM-DD, or null' })
  passedTo?: string | null;

  @ApiProperty({ maxLength: 200, example: '省临床检验中心室间质评 2026-1' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  source!: string;
}

export class LookupQueryDto {
  @ApiProperty({ example: 'LAB-CBC', description: 'The catalogue item about to be ordered' })
  @Matches(ITEM_CODE, { message: `item: ${ITEM_CODE_MESSAGE}` })
  item!: string;
}

export class DecisionDto {
  @ApiProperty({ example: 'HR-20261122-00000042', description: 'The serial of the look-up the decision is made on' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  lookupSerial!: string;

  @ApiProperty({ format: 'uuid', description: 'One of the results the look-up showed' })
  @IsUUID()
  resultId!: string;

  @ApiProperty({ enum: DECISIONS })
  @IsIn(DECISIONS, { message: `decision must be one of: ${DECISIONS.join(', ')}` })
  decision!: Decision;

  @ApiPropertyOptional({ enum: NOT_RECOGNISED_REASONS, description: 'Required when not recognised' })
  @IsOptional()
  @IsString()
  reasonCode?: string;

  @ApiPropertyOptional({ description: "At most 200 characters; required with reasonCode 'other'" })
  @IsOptional()
  @IsString()
  note?: string;

  @ApiProperty({ description: 'The patient was told why the test is (or is not) repeated' })
  @IsBoolean()
  patientInformed!: boolean;
}

export class StatsQueryDto {
  @ApiPropertyOptional({ example: '2026-01', description: 'First month (China time); default: 11 months before `to`' })
  @IsOptional()
  @Matches(MONTH, { message: 'from must be a month, YYYY-MM' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12', description: 'Last month, inclusive; default: this month' })
  @IsOptional()
  @Matches(MONTH, { message: 'to must be a month, YYYY-MM' })
  to?: string;
}
