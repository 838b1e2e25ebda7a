import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Headers, Inject, NotFoundException, Res, UnauthorizedException } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { HUB_CONFIG, type HubConfig, HubMetrics, Public } from '@hub/core';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Prometheus scrapes here with HUB_METRICS_TOKEN as its bearer token (a static credential, not a user's session). */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly metrics: HubMetrics,
  ) {}

  @Public()
  @Get()
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Prometheus metrics (text exposition format)',
    description:
      'HTTP latency by route, DICOM instances ingested, reading queue depth per centre, socket.io connections and ' +
      'rooms, and the process (CPU, memory, event loop, GC). Bearer token: HUB_METRICS_TOKEN; 404 when it is not set.',
  })
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const expected = this.config.HUB_METRICS_TOKEN;
    if (!expected) throw new NotFoundException('Metrics are off: set HUB_METRICS_TOKEN to turn /metrics on');
    const given = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (!given || !timingSafeEqual(digest(given), digest(expected)))
      throw new UnauthorizedException('Send HUB_METRICS_TOKEN as the bearer token to read /metrics');
    res.type(this.metrics.contentType);
    return this.metrics.render();
  }
}
