export * from './backup-manifest.js';
export * from './database-export.js';
export * from './database-import.js';
export * from './file-digest.js';
export * from './run-backup.js';
export * from './run-restore.js';
