import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { type Actor, CurrentActor, Public } from '@hub/core';
import { AllowWithoutMfa } from './allow-without-mfa.decorator.js';
import { AuthService, type LoginResult, type TokenPair } from './auth.service.js';
import { LoginDto, RefreshDto, TotpCodeDto } from './dto/login.dto.js';
import type { UserAccount } from './user-account.js';
import { UserRepository } from './user.repository.js';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UserRepository,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ description: 'Access token (short-lived), refresh token (single use) and the user' })
  login(@Body() body: LoginDto, @Req() req: Request): Promise<LoginResult> {
    return this.auth.login(body.username, body.password, body.totp, req.ip ?? null);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  refresh(@Body() body: RefreshDto): Promise<TokenPair> {
    return this.auth.refresh(body.refreshToken);
  }

  @ApiBearerAuth()
  @AllowWithoutMfa()
  @Post('logout')
  @HttpCode(204)
  async logout(@CurrentActor() actor: Actor): Promise<void> {
    await this.auth.logout(actor.sessionId);
  }

  @ApiBearerAuth()
  @AllowWithoutMfa()
  @Get('me')
  async me(@CurrentActor() actor: Actor): Promise<UserAccount & { mfa: boolean }> {
    const account = await this.users.findById(actor.userId);
    return { ...account!, mfa: actor.mfa };
  }

  @ApiBearerAuth()
  @AllowWithoutMfa()
  @Post('totp/setup')
  @HttpCode(200)
  totpSetup(@CurrentActor() actor: Actor): Promise<{ secret: string; otpauthUri: string }> {
    return this.auth.startTotpEnrolment(actor.userId, actor.username);
  }

  @ApiBearerAuth()
  @AllowWithoutMfa()
  @Post('totp/enable')
  @HttpCode(204)
  async totpEnable(@CurrentActor() actor: Actor, @Body() body: TotpCodeDto): Promise<void> {
    await this.auth.confirmTotpEnrolment(actor.userId, body.code);
  }
}
