import { createParamDecorator, type ExecutionContext, SetMetadata, UnauthorizedException } from '@nestjs/common';
import type { Actor } from '../domain/actor.js';
import type { Role } from '../domain/roles.js';

export const PUBLIC_ROUTE = 'hub:public';
export const REQUIRED_ROLES = 'hub:roles';

/** The route needs no login (health, docs, login itself). Every other route does: the auth guard is global. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** The caller needs at least one of these roles. Institution scope is then checked where the data is known. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_ROLES, roles);

export interface RequestWithActor {
  actor?: Actor;
}

export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<RequestWithActor>().actor;
  if (!actor) throw new UnauthorizedException('Log in first: this route needs a bearer token');
  return actor;
});
