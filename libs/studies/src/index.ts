export * from './entities/study.entity.js';
export * from './entities/series.entity.js';
export * from './entities/instance.entity.js';
export * from './dicom/parsed-instance.js';
export * from './study-access.policy.js';
export * from './ingest/instance-ingest.service.js';
export * from './studies.module.js';
export * from './ingest/orphan-object-sweeper.js';
