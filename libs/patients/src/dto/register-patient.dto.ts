import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { SEXES, type Sex } from '../patient.types.js';

export class RegisterPatientDto {
  @ApiProperty({ description: "The patient's id at your institution (e.g. the HIS number)", example: 'TS-000123' })
  @IsString()
  @Length(1, 64)
  @Matches(/^[\w.-]+$/, { message: 'localId may contain letters, digits, dot, underscore and hyphen' })
  localId!: string;

  @ApiProperty({ example: '王小明' }) @IsString() @Length(1, 128) name!: string;

  @ApiPropertyOptional({ enum: SEXES }) @IsOptional() @IsIn(SEXES) sex?: Sex;

  @ApiPropertyOptional({ example: '1960-05-17' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'birthDate must be a date like 1960-05-17' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'birthDate must be a date like 1960-05-17' })
  birthDate?: string;

  @ApiPropertyOptional({
    description:
      'Resident identity number (居民身份证号码). Only a keyed hash is stored; it links this record with the same ' +
      'person registered at other institutions of the consortium.',
    example: '11010519491231002X',
  })
  @IsOptional()
  @IsString()
  @Matches(/^\s*\d{17}[\dXx]\s*$/, { message: 'nationalId must be an 18-character resident identity number' })
  nationalId?: string;

  @ApiPropertyOptional({
    description: 'The system that issued localId (IssuerOfPatientID), e.g. your HIS',
    example: 'HIS',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  issuer?: string;
}

export class FindPatientQueryDto {
  @ApiProperty({ description: 'Local patient id at your institution' })
  @IsString()
  @Length(1, 64)
  localId!: string;
}
