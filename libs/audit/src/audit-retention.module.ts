import { Module } from '@nestjs/common';
import { AuditRepository } from './audit.repository.js';
import { AuditRetention } from './audit-retention.js';

/** The retention job, for processes that run the hub's jobs (it needs the JobsModule); scripts leave it out. */
@Module({ providers: [AuditRepository, AuditRetention], exports: [AuditRetention] })
export class AuditRetentionModule {}
