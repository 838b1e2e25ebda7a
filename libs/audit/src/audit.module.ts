import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditController } from './audit.controller.js';
import { AuditRepository } from './audit.repository.js';
import { AuditSealer } from './audit-sealer.js';
import { AuditTrail } from './audit-trail.service.js';
import { AuditEventEntity } from './entities/audit-event.entity.js';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity])],
  controllers: [AuditController],
  providers: [AuditRepository, AuditTrail, AuditSealer],
  exports: [AuditTrail],
})
export class AuditModule {}
