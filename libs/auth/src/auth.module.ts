import { createSecretKey } from 'node:crypto';
import { Global, Inject, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HUB_CONFIG, type HubConfig } from '@hub/core';
import { NotifiedCache } from '@hub/db';
import { loginRateLimit } from './login-rate-limit.js';
import { AccessTokenService } from './access-token.service.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { AuthSessionEntity } from './entities/auth-session.entity.js';
import { RefreshTokenEntity } from './entities/refresh-token.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { FirstAdminService } from './first-admin.service.js';
import { resolveJwtSecret } from './jwt-secret.js';
import { PasswordHasher } from './password-hasher.js';
import { ACTIVE_SESSIONS, SessionRepository } from './session.repository.js';
import { UserAccounts } from './user-accounts.service.js';
import { UserRepository } from './user.repository.js';

@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([UserEntity, AuthSessionEntity, RefreshTokenEntity]),
    JwtModule.registerAsync({
      inject: [HUB_CONFIG],
      useFactory: (config: HubConfig) => {
        // A KeyObject made once: given a string, jsonwebtoken first tries (and fails) to parse it as a public key on
        // every verify, which cost about 6% of the hub's CPU under STOW-RS load.
        const key = createSecretKey(Buffer.from(resolveJwtSecret(config)));
        return {
          secretOrKeyProvider: () => key,
          signOptions: { algorithm: 'HS256', expiresIn: config.ACCESS_TOKEN_TTL_SECONDS, issuer: 'consortium-hub' },
          verifyOptions: { algorithms: ['HS256'], issuer: 'consortium-hub' },
        };
      },
    }),
  ],
  controllers: [AuthController],
  providers: [
    AccessTokenService,
    AuthService,
    AuthGuard,
    { provide: APP_GUARD, useExisting: AuthGuard },
    PasswordHasher,
    SessionRepository,
    {
      provide: ACTIVE_SESSIONS,
      inject: [HUB_CONFIG],
      useFactory: (config: HubConfig) =>
        new NotifiedCache({ maxEntries: 10_000, maxAgeMs: config.SESSION_CACHE_SECONDS * 1000 }),
    },
    UserRepository,
    UserAccounts,
    FirstAdminService,
  ],
  exports: [AuthGuard, UserAccounts],
})
export class AuthModule implements NestModule {
  constructor(@Inject(HUB_CONFIG) private readonly config: HubConfig) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(loginRateLimit(this.config)).forRoutes({ path: 'api/auth/login', method: RequestMethod.POST });
  }
}
