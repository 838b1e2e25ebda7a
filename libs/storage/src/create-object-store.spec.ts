import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { createObjectStore, s3OptionsFrom, type ObjectStoreConfig } from './create-object-store.js';
import { LocalDiskObjectStore } from './local-disk.object-store.js';
import { S3ObjectStore } from './s3.object-store.js';

const base: ObjectStoreConfig = {
  DATA_DIR: '/var/lib/hub',
  S3_ENDPOINT: undefined,
  S3_PORT: undefined,
  S3_USE_SSL: true,
  S3_ACCESS_KEY: undefined,
  S3_SECRET_KEY: undefined,
  S3_BUCKET: 'hub',
  S3_REGION: 'us-east-1',
};
const s3: ObjectStoreConfig = { ...base, S3_ENDPOINT: 's3.example.org', S3_ACCESS_KEY: 'ak', S3_SECRET_KEY: 'sk' };

describe('createObjectStore', () => {
  it('defaults to local disk under $DATA_DIR/objects', () => {
    const store = createObjectStore(base);
    expect(store).toBeInstanceOf(LocalDiskObjectStore);
    expect(store.backend).toBe('local');
    expect((store as LocalDiskObjectStore).root).toBe(path.resolve('/var/lib/hub/objects'));
  });

  it('uses S3 when S3_ENDPOINT is set', () => {
    const store = createObjectStore({ ...s3, S3_BUCKET: 'images' });
    expect(store).toBeInstanceOf(S3ObjectStore);
    expect(store.backend).toBe('s3');
    expect((store as S3ObjectStore).bucket).toBe('images');
  });
});

describe('s3OptionsFrom', () => {
  it('is null without an endpoint', () => {
    expect(s3OptionsFrom(base)).toBeNull();
  });

  it('passes a bare host through with the configured port and TLS setting', () => {
    expect(s3OptionsFrom({ ...s3, S3_PORT: 9000, S3_USE_SSL: false })).toEqual({
      endPoint: 's3.example.org',
      port: 9000,
      useSSL: false,
      accessKey: 'ak',
      secretKey: 'sk',
      bucket: 'hub',
      region: 'us-east-1',
    });
  });

  it('takes host, port and TLS from an endpoint URL', () => {
    expect(s3OptionsFrom({ ...s3, S3_ENDPOINT: 'http://minio.internal:9000' })).toMatchObject({
      endPoint: 'minio.internal',
      port: 9000,
      useSSL: false,
    });
    expect(s3OptionsFrom({ ...s3, S3_ENDPOINT: 'https://[::1]/', S3_PORT: 8443 })).toMatchObject({
      endPoint: '::1',
      port: 8443,
      useSSL: true,
    });
  });

  it('refuses endpoints it cannot use and missing credentials', () => {
    expect(() => s3OptionsFrom({ ...s3, S3_ENDPOINT: 'ftp://host' })).toThrow('http(s) URL');
    expect(() => s3OptionsFrom({ ...s3, S3_ENDPOINT: 'https://host/bucket' })).toThrow('path');
    expect(() => s3OptionsFrom({ ...s3, S3_SECRET_KEY: undefined })).toThrow('S3_SECRET_KEY');
  });
});
