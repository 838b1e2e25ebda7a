export * from './vocabulary.js';
export * from './reading.js';
export * from './mdt.js';
export * from './mdt-room-state.js';
