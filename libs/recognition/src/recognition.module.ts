import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConsortiumModule } from '@hub/consortium';
import { ReadingModule } from '@hub/reading';
import { StudiesModule } from '@hub/studies';
import { RecognitionCatalogue } from './catalogue.service.js';
import { InstitutionQcRecordEntity } from './entities/institution-qc-record.entity.js';
import { RecognisableResultEntity } from './entities/recognisable-result.entity.js';
import { RecognitionDecisionEntity } from './entities/recognition-decision.entity.js';
import { RecognitionItemEntity } from './entities/recognition-item.entity.js';
import { RecognitionLookupEntity } from './entities/recognition-lookup.entity.js';
import { RecognitionSettingsEntity } from './entities/recognition-settings.entity.js';
import { QcRecordsController } from './qc-records.controller.js';
import { QcRecords } from './qc-records.service.js';
import { RecognisableResultsRecorder } from './recognisable-results.recorder.js';
import { RecognitionCatalogueController } from './recognition-catalogue.controller.js';
import { RecognitionController } from './recognition.controller.js';
import { RecognitionDecisions } from './recognition-decisions.service.js';
import { RecognitionMarks } from './recognition-marks.js';
import { RecognitionLookups } from './recognition-lookups.service.js';
import { RecognitionStats } from './recognition-stats.service.js';

@Module({
  imports: [
    ConsortiumModule,
    ReadingModule,
    StudiesModule,
    TypeOrmModule.forFeature([
      RecognitionItemEntity,
      RecognitionSettingsEntity,
      InstitutionQcRecordEntity,
      RecognisableResultEntity,
      RecognitionLookupEntity,
      RecognitionDecisionEntity,
    ]),
  ],
  controllers: [RecognitionCatalogueController, QcRecordsController, RecognitionController],
  providers: [
    RecognitionCatalogue,
    QcRecords,
    RecognisableResultsRecorder,
    RecognitionLookups,
    RecognitionDecisions,
    RecognitionStats,
    RecognitionMarks,
  ],
})
export class RecognitionModule {}
