import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto, ROLES, type Role } from '@hub/core';

export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() institutionId?: string;
}

export class DirectoryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ROLES, description: 'Only people holding this role, e.g. specialist' })
  @IsOptional()
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role?: Role;
}
