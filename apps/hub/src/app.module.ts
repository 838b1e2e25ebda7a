import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule, AuditRetentionModule } from '@hub/audit';
import { AuthModule } from '@hub/auth';
import { ConsortiumModule } from '@hub/consortium';
import { HUB_CONFIG, HubConfigModule, type HubConfig, MetricsModule } from '@hub/core';
import { DbModule, JobsModule } from '@hub/db';
import { DimseModule } from '@hub/dimse';
import { PatientsModule } from '@hub/patients';
import { ReadingModule } from '@hub/reading';
import { RecognitionModule } from '@hub/recognition';
import { ConsultationModule } from '@hub/consultation';
import { StatsModule } from '@hub/stats';
import { StorageModule } from '@hub/storage';
import { StudiesModule } from '@hub/studies';
import { HealthModule } from './health/health.module.js';
import { pinoOptions } from './http/logging.js';

@Module({})
export class AppModule {
  /** The whole hub for one environment; tests pass their own. */
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        HubConfigModule.forRoot(env),
        MetricsModule,
        LoggerModule.forRootAsync({ inject: [HUB_CONFIG], useFactory: (config: HubConfig) => pinoOptions(config) }),
        DbModule.forRoot(),
        JobsModule,
        // One object store for the whole hub.
        { ...StorageModule.forRoot(), global: true },
        AuditModule,
        AuditRetentionModule,
        AuthModule,
        ConsortiumModule,
        PatientsModule,
        StudiesModule,
        ReadingModule,
        RecognitionModule,
        ConsultationModule,
        DimseModule,
        StatsModule,
        HealthModule,
      ],
    };
  }
}
