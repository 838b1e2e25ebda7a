import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '@hub/core';
import { OBJECT_STORE, type ObjectStore } from '@hub/storage';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
  ) {}

  /** Readiness: 200 when the database and the object store answer, 503 (with which one failed) otherwise. */
  @Public()
  @Get()
  @HealthCheck()
  check() {
    return this.ready();
  }

  /** For a load balancer: send traffic only while this answers 200. */
  @Public()
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.db.pingCheck('database').withTimeout(3000),
      () =>
        this.indicators
          .check('storage')
          .attempt(async () => {
            await this.store.ping();
            return { backend: this.store.backend };
          })
          .withTimeout(3000),
    ]);
  }

  /**
   * Liveness: the process answers HTTP, whatever the state of the database or the store (restarting the hub would not
   * bring those back; it reconnects by itself, and /health/ready tells when it can serve again).
   */
  @Public()
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
