import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import type { CentreSla } from '../registry.types.js';

/** A year in minutes: beyond it a target means nothing, and it keeps the value far from integer overflow. */
const MAX_MINUTES = 525_600;

export class SlaDto implements CentreSla {
  @ApiProperty({ example: 30, description: 'minutes' }) @IsInt() @Min(1) @Max(MAX_MINUTES) stat!: number;
  @ApiProperty({ example: 120, description: 'minutes' }) @IsInt() @Min(1) @Max(MAX_MINUTES) urgent!: number;
  @ApiProperty({ example: 1440, description: 'minutes' }) @IsInt() @Min(1) @Max(MAX_MINUTES) routine!: number;
}
