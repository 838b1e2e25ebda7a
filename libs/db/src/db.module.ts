import { type DynamicModule, Global, Module } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HUB_CONFIG, type HubConfig } from '@hub/core';
import { buildDataSourceOptions } from './data-source-options.js';
import { ChangeNotifications } from './cache/change-notifications.js';
import { DatabaseRuntime } from './database-runtime.js';

@Global()
@Module({
  providers: [
    {
      provide: DatabaseRuntime,
      inject: [HUB_CONFIG, ModuleRef],
      useFactory: (config: HubConfig, moduleRef: ModuleRef) => DatabaseRuntime.start(config, moduleRef),
    },
    ChangeNotifications,
  ],
  exports: [DatabaseRuntime, ChangeNotifications],
})
class DatabaseRuntimeModule {}

/** The data source for the app role; entities come from each domain module's TypeOrmModule.forFeature. */
@Global()
@Module({})
export class DbModule {
  static forRoot(): DynamicModule {
    return {
      module: DbModule,
      imports: [
        DatabaseRuntimeModule,
        TypeOrmModule.forRootAsync({
          imports: [DatabaseRuntimeModule],
          inject: [DatabaseRuntime, HUB_CONFIG],
          useFactory: (runtime: DatabaseRuntime, config: HubConfig) => ({
            ...buildDataSourceOptions(runtime.urls.appUrl, [], config.DATABASE_POOL_SIZE),
            autoLoadEntities: true,
            retryAttempts: 3,
          }),
        }),
      ],
      exports: [DatabaseRuntimeModule, TypeOrmModule],
    };
  }
}
