export * from './content-type.js';
export * from './read-multipart.js';
