export * from './entities/audit-event.entity.js';
export * from './entities/audit-chain-link.entity.js';
export * from './entities/audit-unsealed.entity.js';
export * from './audit-event.js';
export * from './audit-trail.service.js';
export * from './audit.module.js';
export * from './audited-refusal.js';
export * from './audit.repository.js';
