import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { HUB_CONFIG } from '@hub/core';
import { LocalDiskObjectStore } from './local-disk.object-store.js';
import { OBJECT_STORE, type ObjectStore } from './object-store.port.js';
import { StorageModule } from './storage.module.js';

describe('StorageModule', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'hub-storage-module-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is not global and provides OBJECT_STORE from HUB_CONFIG', async () => {
    @Global()
    @Module({
      providers: [
        {
          provide: HUB_CONFIG,
          useValue: { DATA_DIR: dataDir, S3_BUCKET: 'hub', S3_REGION: 'us-east-1', S3_USE_SSL: true },
        },
      ],
      exports: [HUB_CONFIG],
    })
    class ConfigTestModule {}

    const dynamic = StorageModule.forRoot();
    expect(dynamic.global).toBe(false);
    expect(dynamic.exports).toEqual([OBJECT_STORE]);

    const moduleRef = await Test.createTestingModule({ imports: [ConfigTestModule, dynamic] }).compile();
    const store = moduleRef.get<ObjectStore>(OBJECT_STORE);
    expect(store).toBeInstanceOf(LocalDiskObjectStore);
    expect((store as LocalDiskObjectStore).root).toBe(path.join(dataDir, 'objects'));
    await expect(store.ping()).resolves.toBeUndefined();
    await moduleRef.close();
  });
});
