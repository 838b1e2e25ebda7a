import path from 'node:path';
import { DomainError, type HubConfig } from '@hub/core';
import { LocalDiskObjectStore } from './local-disk.object-store.js';
import { S3ObjectStore, type S3ObjectStoreOptions } from './s3.object-store.js';

export type ObjectStoreConfig = Pick<
  HubConfig,
  'DATA_DIR' | 'S3_ENDPOINT' | 'S3_PORT' | 'S3_USE_SSL' | 'S3_ACCESS_KEY' | 'S3_SECRET_KEY' | 'S3_BUCKET' | 'S3_REGION'
>;

/** S3 when S3_ENDPOINT is set, otherwise the embedded default: local disk under `$DATA_DIR/objects`. */
export function createObjectStore(config: ObjectStoreConfig): LocalDiskObjectStore | S3ObjectStore {
  const s3 = s3OptionsFrom(config);
  return s3 === null ? new LocalDiskObjectStore(path.join(config.DATA_DIR, 'objects')) : new S3ObjectStore(s3);
}

/**
 * The S3 client settings in the config, or null when no endpoint is configured. S3_ENDPOINT may be a bare host or
 * a URL ("https://s3.example.org:9000"), whose scheme and port then win over S3_USE_SSL and S3_PORT.
 */
export function s3OptionsFrom(config: ObjectStoreConfig): S3ObjectStoreOptions | null {
  if (!config.S3_ENDPOINT) {
    return null;
  }
  if (!config.S3_ACCESS_KEY || !config.S3_SECRET_KEY) {
    throw new DomainError('invalid', 'S3_ACCESS_KEY and S3_SECRET_KEY are required with S3_ENDPOINT');
  }
  let endPoint = config.S3_ENDPOINT;
  let port = config.S3_PORT;
  let useSSL = config.S3_USE_SSL;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(endPoint)) {
    const url = new URL(endPoint);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new DomainError('invalid', 'S3_ENDPOINT must be a host name or an http(s) URL');
    }
    if (url.pathname !== '/' && url.pathname !== '') {
      throw new DomainError('invalid', 'S3_ENDPOINT must not contain a path');
    }
    useSSL = url.protocol === 'https:';
    endPoint = url.hostname.replace(/^\[(.*)\]$/, '$1');
    port = url.port ? Number(url.port) : port;
  }
  return {
    endPoint,
    port,
    useSSL,
    accessKey: config.S3_ACCESS_KEY,
    secretKey: config.S3_SECRET_KEY,
    bucket: config.S3_BUCKET,
    region: config.S3_REGION,
  };
}
