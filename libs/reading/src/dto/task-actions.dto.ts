import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { RETURN_REASONS, type ReturnReason } from '../domain/return-reasons.js';
import type { StructuredValue } from '../report-view.js';

export class ClaimDto {
  @ApiPropertyOptional({
    enum: ['read', 'review'],
    default: 'read',
    description: 'review: signers take submitted reports',
  })
  @IsOptional()
  @IsIn(['read', 'review'])
  stage?: 'read' | 'review';
}

export class FencedDto {
  @ApiProperty({ description: 'The fencing token your claim returned; a stale one is refused with 409' })
  @IsInt()
  @Min(1)
  fencingToken!: number;
}

export class SaveReportDto extends FencedDto {
  @ApiProperty({ maxLength: 20000, description: '检查所见' })
  @IsString()
  @MaxLength(20000)
  findings!: string;

  @ApiProperty({ maxLength: 5000, description: '诊断意见 / 结论' })
  @IsString()
  @MaxLength(5000)
  impression!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "Values of the exam's report template fields (GET /api/report-templates)",
  })
  @IsOptional()
  @IsObject()
  structured?: Record<string, StructuredValue>;
}

export class ReturnTaskDto extends FencedDto {
  @ApiProperty({ enum: RETURN_REASONS })
  @IsIn(RETURN_REASONS, { message: `reason must be one of: ${RETURN_REASONS.join(', ')}` })
  reason!: ReturnReason;

  @ApiPropertyOptional({ maxLength: 500, description: "Required with reason 'other'" })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class AddendumDto {
  @ApiProperty({ maxLength: 4000, description: '更正补充: what is corrected or added, signed by you' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  text!: string;

  @ApiPropertyOptional({
    default: false,
    description:
      'true when the addendum corrects the result itself (values, measurements, findings): its mutual recognition (互认) is withdrawn',
  })
  @IsOptional()
  @IsBoolean()
  changesResult?: boolean;
}
