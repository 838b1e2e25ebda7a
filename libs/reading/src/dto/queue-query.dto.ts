import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto, type Priority, PRIORITIES } from '@hub/core';
import { TASK_STATES, type TaskState } from '../domain/task-state.js';

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);
const toList = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',') : value);

export class QueueQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['read', 'review'], description: 'read: queued and being read; review: submitted' })
  @IsOptional()
  @IsIn(['read', 'review'])
  stage?: 'read' | 'review';

  @ApiPropertyOptional({ description: `Comma-separated states (${TASK_STATES.join(', ')}); default: all open` })
  @IsOptional()
  @Transform(toList)
  @IsIn(TASK_STATES, { each: true })
  state?: TaskState[];

  @ApiPropertyOptional({ enum: PRIORITIES })
  @IsOptional()
  @IsIn(PRIORITIES)
  priority?: Priority;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  referral?: boolean;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only requests from this clinic' })
  @IsOptional()
  @IsUUID()
  institutionId?: string;

  @ApiPropertyOptional({ type: Boolean, description: 'Only tasks you hold' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  mine?: boolean;
}

export class ListRequestsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: `Comma-separated states (${TASK_STATES.join(', ')})` })
  @IsOptional()
  @Transform(toList)
  @IsIn(TASK_STATES, { each: true })
  state?: TaskState[];
}
