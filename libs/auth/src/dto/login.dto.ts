import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'admin' }) @IsString() @Length(1, 64) username!: string;
  @ApiProperty() @IsString() @Length(1, 256) password!: string;
  @ApiPropertyOptional({ description: 'Six-digit code from the authenticator app, when two-factor is enabled' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{6}$/, { message: 'totp must be the six digits shown by the authenticator app' })
  totp?: string;
}

export class RefreshDto {
  @ApiProperty() @IsString() @MaxLength(256) refreshToken!: string;
}

export class TotpCodeDto {
  @ApiProperty({ example: '123456' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be the six digits shown by the authenticator app' })
  code!: string;
}
