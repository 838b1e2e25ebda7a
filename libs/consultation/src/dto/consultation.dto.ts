import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '@hub/core';
import {
  CONSULTATION_KINDS,
  CONSULTATION_STATES,
  type ConsultationKind,
  type ConsultationState,
} from '../domain/consultation-state.js';
import type { Invitation, NewConsultation } from '../consultations.service.js';

export class ConsentDto {
  @ApiPropertyOptional({ maxLength: 500, example: '患者本人签署远程会诊知情同意书' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class CreateConsultationDto implements NewConsultation {
  @ApiProperty({ enum: CONSULTATION_KINDS, description: 'remote: 远程会诊; mdt: 多学科会诊' })
  @IsIn(CONSULTATION_KINDS, { message: `kind must be one of: ${CONSULTATION_KINDS.join(', ')}` })
  kind!: ConsultationKind;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  patientId!: string;

  @ApiProperty({ maxLength: 2000, example: '右肺下叶结节，是否需要手术？' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  question!: string;

  @ApiProperty({ maxLength: 20000, description: 'Case summary (病情摘要)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(20000)
  caseSummary!: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Studies of the patient your institution sent' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  studyIds?: string[];

  @ApiPropertyOptional({ type: [String], example: ['胸外科', '呼吸内科', '影像科'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  requestedSpecialties?: string[];

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'proposedAt must be an ISO 8601 date-time' })
  proposedAt?: string;

  @ApiPropertyOptional({ type: ConsentDto, description: 'Give it to record the informed consent with the request' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConsentDto)
  consent?: ConsentDto;
}

export class InviteDto implements Invitation {
  @ApiProperty({ format: 'uuid', description: 'A user of the consortium with the specialist role' })
  @IsUUID()
  userId!: string;

  @ApiPropertyOptional({ enum: ['specialist', 'chair'], default: 'specialist' })
  @IsOptional()
  @IsIn(['specialist', 'chair'], { message: 'role must be specialist or chair' })
  role?: 'specialist' | 'chair';

  @ApiPropertyOptional({ maxLength: 100, example: '胸外科' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  specialty?: string;
}

export class ScheduleDto {
  @ApiProperty({ format: 'date-time' })
  @IsISO8601({ strict: true }, { message: 'scheduledAt must be an ISO 8601 date-time' })
  scheduledAt!: string;
}

export class CancelConsultationDto {
  @ApiProperty({ maxLength: 500 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason!: string;
}

export class ConclusionDraftDto {
  @ApiProperty({ maxLength: 20000, description: 'The conclusion (会诊意见) as the chair drafts it' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(20000)
  text!: string;
}

export class ListConsultationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CONSULTATION_STATES })
  @IsOptional()
  @IsIn(CONSULTATION_STATES, { message: `state must be one of: ${CONSULTATION_STATES.join(', ')}` })
  state?: ConsultationState;
}
