export * from './entities/recognition-item.entity.js';
export * from './entities/recognition-settings.entity.js';
export * from './entities/institution-qc-record.entity.js';
export * from './entities/recognisable-result.entity.js';
export * from './entities/recognition-lookup.entity.js';
export * from './entities/recognition-decision.entity.js';
export * from './domain/not-recognised-reasons.js';
export * from './recognition.module.js';
