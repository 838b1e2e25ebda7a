import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { PRIORITIES, type Priority } from '@hub/core';
import { isAddressOrRange } from '../address-allow.js';

/** PS3.5 AE VR: up to 16 characters of the default repertoire, no backslash or control characters, not all spaces. */
const AE_TITLE = /^(?! *$)[\x20-\x5B\x5D-\x7E]{1,16}$/;

@ValidatorConstraint({ name: 'addressOrRange' })
class AddressOrRange implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return Array.isArray(value) && value.every((v) => typeof v === 'string' && isAddressOrRange(v));
  }
  defaultMessage(): string {
    return 'each address must be an IPv4 or IPv6 address or a CIDR range such as 10.20.0.0/16';
  }
}

export class RegisterModalityDto {
  @ApiProperty({ format: 'uuid', description: 'The clinic the modality belongs to: what it sends is filed there' })
  @IsUUID('all', { message: 'institutionId must be a UUID' })
  institutionId!: string;

  @ApiProperty({ example: 'XZ_WSY_DR1', description: 'Calling AE title the modality sends with (1–16 characters)' })
  @IsString()
  @Matches(AE_TITLE, { message: 'aeTitle must be 1–16 printable characters without a backslash, and not all spaces' })
  aeTitle!: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['10.20.3.15', '10.20.4.0/24'],
    description: 'Addresses the modality may call from; none: any address',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @Validate(AddressOrRange)
  addresses?: string[];

  @ApiPropertyOptional({ maxLength: 200, example: '放射科 DR' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  description?: string;
}

export class AutoRequestDto {
  @ApiProperty({ enum: PRIORITIES, description: 'Priority of the reading requests made for arriving studies' })
  @IsIn(PRIORITIES, { message: `priority must be one of: ${PRIORITIES.join(', ')}` })
  priority!: Priority;

  @ApiPropertyOptional({ default: false, description: 'Green channel (referral) for these requests' })
  @IsOptional()
  @IsBoolean()
  referral?: boolean;
}

export class ModalityListQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'institutionId must be a UUID' })
  institutionId?: string;
}
