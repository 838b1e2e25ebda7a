import { Global, Module } from '@nestjs/common';
import { HubMetrics } from './hub-metrics.js';

/** One HubMetrics per hub, reachable from every module that counts something. */
@Global()
@Module({ providers: [HubMetrics], exports: [HubMetrics] })
export class MetricsModule {}
