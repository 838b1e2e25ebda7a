import { type DynamicModule, Module } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from '@hub/core';
import { createObjectStore } from './create-object-store.js';
import { OBJECT_STORE, type ObjectStore } from './object-store.port.js';
import { S3ObjectStore } from './s3.object-store.js';

/** Provides OBJECT_STORE, chosen from the validated HubConfig (HUB_CONFIG must be provided globally elsewhere). */
@Module({})
export class StorageModule {
  static forRoot(): DynamicModule {
    return {
      module: StorageModule,
      global: false,
      providers: [
        {
          provide: OBJECT_STORE,
          inject: [HUB_CONFIG],
          useFactory: async (config: HubConfig): Promise<ObjectStore> => {
            const store = createObjectStore(config);
            // Fail at start-up rather than on the first upload when the bucket is unreachable or missing.
            if (store instanceof S3ObjectStore) {
              await store.ensureBucket();
            }
            return store;
          },
        },
      ],
      exports: [OBJECT_STORE],
    };
  }
}
