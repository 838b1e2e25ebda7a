export * from './parsed-instance.js';
export * from './parse-dicom-header.js';
export * from './discipline.js';
export * from './dicom-json.js';
export { BULK_DATA_THRESHOLD } from './to-dicom-json.js';
export { isValidUid } from './instance-fields.js';
