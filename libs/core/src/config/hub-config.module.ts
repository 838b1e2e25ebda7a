import { type DynamicModule, Global, Module } from '@nestjs/common';
import { loadHubConfig } from './load-hub-config.js';
import { HUB_CONFIG } from './hub-config.token.js';

/** Provides the validated configuration everywhere; tests pass their own environment. */
@Global()
@Module({})
export class HubConfigModule {
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    return {
      module: HubConfigModule,
      providers: [{ provide: HUB_CONFIG, useValue: loadHubConfig(env) }],
      exports: [HUB_CONFIG],
    };
  }
}
