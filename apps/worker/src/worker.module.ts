import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule, AuditRetentionModule } from '@hub/audit';
import { AuthModule } from '@hub/auth';
import { HUB_CONFIG, HubConfigModule, type HubConfig, MetricsModule } from '@hub/core';
import { DbModule, JobsModule } from '@hub/db';
import { ReadingModule } from '@hub/reading';
import { StorageModule } from '@hub/storage';
import { StudiesModule } from '@hub/studies';
import { ReadingEventRelay } from './reading-event-relay.js';

/**
 * The modules whose background jobs a worker runs: the SLA sweep and lease requeue (reading, on pg-boss), the audit
 * chain's sealer (audit) and the orphan-object sweeper (studies). No HTTP, no socket.io, no DICOM listener.
 */
@Module({})
export class WorkerModule {
  static forRoot(env: NodeJS.ProcessEnv): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        HubConfigModule.forRoot(env),
        MetricsModule,
        LoggerModule.forRootAsync({
          inject: [HUB_CONFIG],
          useFactory: (config: HubConfig) => ({
            pinoHttp: { level: config.LOG_LEVEL, base: { service: 'consortium-hub-worker' } },
          }),
        }),
        DbModule.forRoot(),
        JobsModule,
        { ...StorageModule.forRoot(), global: true },
        AuditModule,
        AuditRetentionModule,
        // The reading module's controllers and gateway are wired (though never served) and need the auth guard.
        AuthModule,
        StudiesModule,
        ReadingModule,
      ],
      providers: [ReadingEventRelay],
    };
  }
}
