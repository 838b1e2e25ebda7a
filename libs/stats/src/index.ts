export * from './stats.module.js';
