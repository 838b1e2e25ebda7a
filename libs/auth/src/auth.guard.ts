import { type CanActivate, type ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AuditTrail } from '@hub/audit';
import {
  type Actor,
  DomainError,
  hasRole,
  HUB_CONFIG,
  type HubConfig,
  PUBLIC_ROUTE,
  REQUIRED_ROLES,
  type RequestWithActor,
  requestContext,
  type Role,
} from '@hub/core';
import { AccessTokenService } from './access-token.service.js';
import { ALLOW_WITHOUT_MFA } from './allow-without-mfa.decorator.js';
import { SessionRepository } from './session.repository.js';

/**
 * Global: every HTTP route needs a valid access token of a live session unless marked @Public(). Roles come from the
 * database (through the session cache that change notifications keep current), so a role taken away or a session
 * ended takes effect at once in the process that made the change and within milliseconds in the others.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenService,
    private readonly sessions: SessionRepository,
    private readonly audit: AuditTrail,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<Request & RequestWithActor>();
    const actor = await this.authenticate(request.headers.authorization);
    request.actor = actor;
    requestContext.setActor(actor);

    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (required && !hasRole(actor, ...required)) {
      await this.audit.record({
        action: 'access.denied',
        objectType: 'route',
        objectId: `${request.method} ${request.route?.path ?? request.path}`,
        outcome: 'denied',
        details: { requiredRoles: required },
      });
      throw new DomainError('forbidden', `This needs one of the roles: ${required.join(', ')}`);
    }
    if (
      this.config.HUB_REQUIRE_2FA &&
      hasRole(actor, 'admin') &&
      !actor.mfa &&
      !this.reflector.get<boolean>(ALLOW_WITHOUT_MFA, context.getHandler())
    ) {
      throw new DomainError(
        'forbidden',
        'Administrators must use two-factor authentication: enrol with POST /api/auth/totp/setup and /api/auth/totp/enable, then log in again with the code',
      );
    }
    return true;
  }

  async authenticate(authorization: string | undefined): Promise<Actor> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) throw new UnauthorizedException('Log in first: send Authorization: Bearer <access token>');
    return (await this.authenticateToken(match[1]!)).actor;
  }

  /** The actor of a live session's access token, and when the token expires (socket gateways end the socket then). */
  async authenticateToken(token: string): Promise<{ actor: Actor; expiresAt: Date }> {
    const claims = await this.tokens.verify(token);
    if (!claims) throw new UnauthorizedException('The access token is invalid or expired: refresh it or log in again');
    const session = await this.sessions.findActive(claims.sid, claims.sub);
    if (!session) throw new UnauthorizedException('The session has ended: log in again');
    return { actor: { ...session, sessionId: claims.sid }, expiresAt: claims.expiresAt };
  }
}
