export * from './entities/dicom-modality.entity.js';
export * from './modality.types.js';
export * from './dicom-modalities.service.js';
export * from './dicom-gateway.js';
export * from './dimse.module.js';
