export * from './vocabulary.js';
export * from './reading.js';
export * from './mdt.js';
export * from './mdt-room-state.js';
export * from './accounts.js';
export * from './consultations.js';
export * from './studies.js';
export * from './oversight.js';
