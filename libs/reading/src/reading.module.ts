import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConsortiumModule } from '@hub/consortium';
import { StudiesModule } from '@hub/studies';
import { CentreQueueController } from './centre-queue.controller.js';
import { ReadingRequestEntity } from './entities/reading-request.entity.js';
import { ReadingTaskEntity } from './entities/reading-task.entity.js';
import { ReportAddendumEntity } from './entities/report-addendum.entity.js';
import { ReportTemplateEntity } from './entities/report-template.entity.js';
import { ReportVersionEntity } from './entities/report-version.entity.js';
import { ReportEntity } from './entities/report.entity.js';
import { SlaSweep } from './jobs/index.js';
import { QueueDepthMetrics } from './metrics/queue-depth.metrics.js';
import { ReadingEventBus } from './reading-events.js';
import { ReadingEventsGateway } from './realtime/reading-events.gateway.js';
import { ReadingQueries } from './reading-queries.service.js';
import { ReadingRequests } from './reading-requests.service.js';
import { ReportWriter } from './report-writer.service.js';
import { ReportTemplatesController } from './report-templates.controller.js';
import { ReportsController } from './reports.controller.js';
import { RequestsController } from './requests.controller.js';
import { ReportMarks, SignedReportHooks } from './signed-report-hooks.js';
import { TaskLeases } from './task-leases.service.js';
import { TasksController } from './tasks.controller.js';

@Module({
  imports: [
    ConsortiumModule,
    StudiesModule,
    TypeOrmModule.forFeature([
      ReadingRequestEntity,
      ReadingTaskEntity,
      ReportEntity,
      ReportVersionEntity,
      ReportAddendumEntity,
      ReportTemplateEntity,
    ]),
  ],
  controllers: [
    RequestsController,
    CentreQueueController,
    TasksController,
    ReportsController,
    ReportTemplatesController,
  ],
  providers: [
    ReadingEventBus,
    ReadingEventsGateway,
    ReadingQueries,
    ReadingRequests,
    ReportWriter,
    TaskLeases,
    SlaSweep,
    SignedReportHooks,
    ReportMarks,
    QueueDepthMetrics,
  ],
  exports: [ReadingEventBus, ReadingQueries, ReadingRequests, SignedReportHooks, ReportMarks],
})
export class ReadingModule {}
