import { Module } from '@nestjs/common';
import { OversightController } from './oversight.controller.js';
import { OversightRepository } from './oversight.repository.js';
import { Oversight } from './oversight.service.js';

/** KPIs for oversight (ARCHITECTURE.md: studies → reading → recognition → stats): read-only aggregates. */
@Module({
  controllers: [OversightController],
  providers: [OversightRepository, Oversight],
})
export class StatsModule {}
