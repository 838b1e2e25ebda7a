import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { type Priority, PRIORITIES } from '@hub/core';
import type { NewReadingRequest } from '../reading-requests.service.js';

export class CreateReadingRequestDto implements NewReadingRequest {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A study your institution sent (DICOMweb or POST /api/studies); or give studyInstanceUid',
  })
  @IsOptional()
  @IsUUID()
  studyId?: string;

  @ApiPropertyOptional({
    example: '1.2.840.113619.2.55.3.604688119.969.1268071029.320',
    description: 'For a study sent by DICOMweb (STOW-RS) or DIMSE: its Study Instance UID, instead of studyId',
  })
  @IsOptional()
  @Matches(/^[0-9]+(\.[0-9]+)*$/, { message: 'studyInstanceUid must be a DICOM UID (digits and dots)' })
  @MaxLength(64)
  studyInstanceUid?: string;

  @ApiProperty({ enum: PRIORITIES, description: 'stat (急), urgent, routine: sets the due time from the centre SLA' })
  @IsIn(PRIORITIES, { message: `priority must be one of: ${PRIORITIES.join(', ')}` })
  priority!: Priority;

  @ApiPropertyOptional({ default: false, description: '转诊绿色通道: read first within its priority' })
  @IsOptional()
  @IsBoolean()
  referral?: boolean;

  @ApiPropertyOptional({ maxLength: 2000, example: '咳嗽两周，发热三天' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  clinicalNotes?: string;

  @ApiPropertyOptional({ description: "The consortium's exam code; defaults to the study's", example: 'CT-CHEST' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(/^[A-Za-z0-9._-]+$/, { message: 'examCode may contain only letters, digits, dot, dash and underscore' })
  examCode?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "A centre that serves your institution; defaults to the consortium's centre for the discipline",
  })
  @IsOptional()
  @IsUUID()
  centreId?: string;
}
