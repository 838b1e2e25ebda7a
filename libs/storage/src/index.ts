export * from './object-store.port.js';
export * from './object-key.js';
export * from './local-disk.object-store.js';
export * from './s3.object-store.js';
export * from './create-object-store.js';
export * from './storage.module.js';
export * from './store-outage.js';
export * from './hashing-meter.transform.js';
