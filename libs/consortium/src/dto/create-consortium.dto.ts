import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import type { NewConsortium } from '../registry.types.js';

export class CreateConsortiumDto implements NewConsortium {
  @ApiProperty({ example: 'HZ-WEST', description: 'Short unique code: letters, digits, dot, dash, underscore' })
  @IsString()
  @MaxLength(64)
  @Matches(/^[A-Za-z0-9._-]+$/, { message: 'code may contain only letters, digits, dot, dash and underscore' })
  code!: string;

  @ApiProperty({ example: '西湖区城市医疗集团' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;
}
