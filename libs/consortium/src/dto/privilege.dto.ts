import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn } from 'class-validator';
import { type Discipline, DISCIPLINES } from '@hub/core';
import type { ReadingPrivilege } from '../registry.types.js';

export class PrivilegeDto implements ReadingPrivilege {
  @ApiProperty({ enum: DISCIPLINES }) @IsIn(DISCIPLINES) discipline!: Discipline;
  @ApiProperty({ description: 'May sign reports (senior readers only)' }) @IsBoolean() canSign!: boolean;
}
