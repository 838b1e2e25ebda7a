import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor, Roles } from '@hub/core';
import type { AuditEvent, ChainVerification } from './audit-event.js';
import { AuditRepository } from './audit.repository.js';
import { AuditTrail } from './audit-trail.service.js';
import { AuditQueryDto } from './dto/audit-query.dto.js';
import type { Page } from '@hub/core';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/audit')
@Roles('auditor')
export class AuditController {
  constructor(
    private readonly repository: AuditRepository,
    private readonly trail: AuditTrail,
  ) {}

  /** Newest first. A consortium's auditor sees what its members' users did; the platform auditor sees everything. */
  @Get()
  async list(@CurrentActor() actor: Actor, @Query() query: AuditQueryDto): Promise<Page<AuditEvent>> {
    const page = await this.repository.find({ ...query, consortiumId: actor.consortiumId });
    await this.trail.record({ action: 'audit.read', objectType: 'audit_events', details: { ...query } });
    return page;
  }

  @Get('verify')
  async verify(): Promise<ChainVerification> {
    const result = await this.repository.verifyChain();
    await this.trail.record({ action: 'audit.verify', objectType: 'audit_events', details: { ...result } });
    return result;
  }
}
