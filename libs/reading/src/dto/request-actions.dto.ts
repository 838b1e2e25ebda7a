import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class CancelReadingRequestDto {
  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class ResubmitReadingRequestDto {
  @ApiPropertyOptional({ maxLength: 2000, description: 'Replaces the clinical notes, e.g. with what the centre asked' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  clinicalNotes?: string;
}
