export * from './vocabulary.js';
export * from './reading.js';
