export * from './entities/audit-event.entity.js';
export * from './audit-event.js';
export * from './audit-trail.service.js';
export * from './audit.module.js';
export * from './audited-refusal.js';
