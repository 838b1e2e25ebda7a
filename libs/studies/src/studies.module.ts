import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConsortiumModule } from '@hub/consortium';
import { PatientsModule } from '@hub/patients';
import { StudyAccessGrants } from './access/study-access-grants.service.js';
import { StudyScopes } from './access/study-scopes.service.js';
import { QidoController } from './dicomweb/qido.controller.js';
import { StowController } from './dicomweb/stow.controller.js';
import { StowService } from './dicomweb/stow.service.js';
import { DicomStudySearch } from './dicomweb/dicom-study-search.js';
import { StudyReadRepository } from './dicomweb/study-read.repository.js';
import { WadoController } from './dicomweb/wado.controller.js';
import { InstanceEntity } from './entities/instance.entity.js';
import { LabResultEntity } from './entities/lab-result.entity.js';
import { StudyFileEntity } from './entities/study-file.entity.js';
import { SeriesEntity } from './entities/series.entity.js';
import { StudyAccessGrantEntity } from './entities/study-access-grant.entity.js';
import { StudyEntity } from './entities/study.entity.js';
import { InstanceIndexRepository } from './ingest/instance-index.repository.js';
import { InstanceIngestService } from './ingest/instance-ingest.service.js';
import { ObjectReferences } from './ingest/object-references.js';
import { ObjectScrubber } from './ingest/object-scrubber.js';
import { OrphanObjectSweeper } from './ingest/orphan-object-sweeper.js';
import { ResumableUploadController } from './uploads/resumable-upload.controller.js';
import { ResumableUploads } from './uploads/resumable-uploads.js';
import { StudiesController } from './uploads/studies.controller.js';
import { StudyRecordRepository } from './uploads/study-record.repository.js';
import { StudyUploadRepository } from './uploads/study-upload.repository.js';
import { StudyUploadService } from './uploads/study-upload.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      StudyEntity,
      SeriesEntity,
      InstanceEntity,
      StudyFileEntity,
      LabResultEntity,
      StudyAccessGrantEntity,
    ]),
    ConsortiumModule,
    PatientsModule,
  ],
  controllers: [StowController, QidoController, WadoController, StudiesController, ResumableUploadController],
  providers: [
    DicomStudySearch,
    InstanceIndexRepository,
    InstanceIngestService,
    ObjectReferences,
    ObjectScrubber,
    OrphanObjectSweeper,
    StowService,
    StudyAccessGrants,
    StudyReadRepository,
    ResumableUploads,
    StudyRecordRepository,
    StudyScopes,
    StudyUploadRepository,
    StudyUploadService,
  ],
  exports: [
    DicomStudySearch,
    InstanceIngestService,
    ObjectScrubber,
    OrphanObjectSweeper,
    StudyAccessGrants,
    StudyReadRepository,
    StudyRecordRepository,
    StudyScopes,
  ],
})
export class StudiesModule {}
