export * from './entities/user.entity.js';
export * from './entities/auth-session.entity.js';
export * from './entities/refresh-token.entity.js';
export * from './user-account.js';
export * from './user-accounts.service.js';
export * from './auth.guard.js';
export * from './auth.module.js';
export * from './first-admin.service.js';
