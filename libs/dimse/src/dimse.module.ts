import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@hub/auth';
import { ConsortiumModule } from '@hub/consortium';
import { ReadingModule } from '@hub/reading';
import { StudiesModule } from '@hub/studies';
import { AutoRequests } from './auto-requests.js';
import { DicomAssociations } from './dicom-associations.js';
import { DicomGateway } from './dicom-gateway.js';
import { DicomModalitiesController } from './dicom-modalities.controller.js';
import { DicomModalities } from './dicom-modalities.service.js';
import { DicomModalityEntity } from './entities/dicom-modality.entity.js';

/** The DICOM network gateway: registered modalities send with C-STORE, query with C-FIND, test with C-ECHO. */
@Module({
  imports: [
    TypeOrmModule.forFeature([DicomModalityEntity]),
    AuthModule,
    ConsortiumModule,
    StudiesModule,
    ReadingModule,
  ],
  controllers: [DicomModalitiesController],
  providers: [DicomModalities, DicomAssociations, AutoRequests, DicomGateway],
  exports: [DicomGateway, DicomModalities],
})
export class DimseModule {}
