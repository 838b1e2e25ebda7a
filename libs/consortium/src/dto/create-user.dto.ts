import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { DISCIPLINES, type Role, ROLES } from '@hub/core';
import type { UserRequest } from '../registry.types.js';
import { PrivilegeDto } from './privilege.dto.js';

export class CreateUserDto implements UserRequest {
  @ApiProperty({ example: 'wang.li', minLength: 3, maxLength: 64 })
  @IsString()
  @Length(3, 64)
  @Matches(/^[a-z0-9._-]+$/i, { message: 'username may contain only letters, digits, dot, dash and underscore' })
  username!: string;

  @ApiProperty({ minLength: 12, maxLength: 256, writeOnly: true })
  @IsString()
  @MinLength(12)
  @MaxLength(256)
  password!: string;

  @ApiProperty({ example: '王丽' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  displayName!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  institutionId!: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles!: Role[];

  @ApiPropertyOptional({ type: () => [PrivilegeDto], description: 'Reading privileges per discipline' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(DISCIPLINES.length)
  @ValidateNested({ each: true })
  @Type(() => PrivilegeDto)
  privileges?: PrivilegeDto[];
}
