import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { RegisterPatientDto } from '@hub/patients';
import { ABNORMAL_FLAGS, type AbnormalFlag } from '../lab-value.js';

export const UPLOAD_DISCIPLINES = ['ecg', 'lab', 'pathology'] as const;
export type UploadDiscipline = (typeof UPLOAD_DISCIPLINES)[number];

export class LabResultDto {
  @ApiProperty({ description: 'Item code in the sending LIS or the consortium catalogue', example: 'GLU' })
  @IsString()
  @Length(1, 64)
  itemCode!: string;

  @ApiProperty({ example: '血糖' }) @IsString() @Length(1, 128) itemName!: string;

  @ApiProperty({ description: 'The value as reported: a number or text ("<0.1", "阴性")', example: '6.8' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'number' ? String(value) : value))
  @IsString({ message: 'value must be a number or a string' })
  @Length(1, 256)
  value!: string;

  @ApiPropertyOptional({ example: 'mmol/L' }) @IsOptional() @IsString() @Length(1, 32) unit?: string;

  @ApiPropertyOptional({ example: '3.9-6.1' }) @IsOptional() @IsString() @Length(1, 64) referenceRange?: string;

  @ApiPropertyOptional({ enum: ABNORMAL_FLAGS, description: 'HL7 table 0078: N, L, H, LL, HH, A, AA' })
  @IsOptional()
  @IsIn(ABNORMAL_FLAGS)
  abnormalFlag?: AbnormalFlag;

  @ApiPropertyOptional({ description: 'LOINC code when known', example: '2345-7' })
  @IsOptional()
  @Matches(/^\d{1,7}-\d$/, { message: 'loinc must be a LOINC code like 2345-7' })
  loinc?: string;

  @ApiPropertyOptional({ example: '2026-11-20T08:50:00+08:00' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'observedAt must be an ISO 8601 date-time' })
  observedAt?: string;
}

/** The JSON that describes an uploaded study: the `metadata` form field, or the whole body for resumable uploads. */
export class UploadStudyDto {
  @ApiProperty({ type: RegisterPatientDto })
  @IsDefined({ message: 'patient is required: { localId, name, … }' })
  @IsObject({ message: 'patient must be an object: { localId, name, … }' })
  @ValidateNested()
  @Type(() => RegisterPatientDto)
  patient!: RegisterPatientDto;

  @ApiProperty({ enum: UPLOAD_DISCIPLINES, description: 'Imaging studies are sent as DICOM with STOW-RS' })
  @IsIn(UPLOAD_DISCIPLINES, {
    message: 'discipline must be ecg, lab or pathology (imaging studies are sent as DICOM to /dicomweb/studies)',
  })
  discipline!: UploadDiscipline;

  @ApiProperty({ description: "The consortium's exam or test code", example: 'ECG-12' })
  @Matches(/^[\w.-]{1,32}$/, { message: 'examCode must be 1-32 letters, digits, dot, underscore or hyphen' })
  examCode!: string;

  @ApiProperty({ description: 'When the examination was performed', example: '2026-11-20T08:30:00+08:00' })
  @IsISO8601({ strict: true }, { message: 'performedAt must be an ISO 8601 date-time' })
  performedAt!: string;

  @ApiPropertyOptional({ description: 'Unique per institution: a repeat upload with it is refused (409)' })
  @IsOptional()
  @Matches(/^[\w.-]{1,64}$/, { message: 'accessionNumber must be 1-64 letters, digits, dot, underscore or hyphen' })
  accessionNumber?: string;

  @ApiPropertyOptional({ example: '常规十二导联心电图' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  description?: string;

  @ApiPropertyOptional({ type: [LabResultDto], description: 'Lab values (discipline lab)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => LabResultDto)
  labResults?: LabResultDto[];

  @ApiPropertyOptional({
    type: [String],
    description: 'Ids of completed resumable uploads (tus, /api/uploads) to attach: large slides and tracings',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(/^[0-9a-f]{32}$/, { each: true, message: 'resumableUploads must hold upload ids from /api/uploads' })
  resumableUploads?: string[];
}
