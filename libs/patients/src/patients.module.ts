import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PatientIdentifierEntity } from './entities/patient-identifier.entity.js';
import { PatientEntity } from './entities/patient.entity.js';
import { NationalIdHasher } from './national-id.js';
import { PatientRepository } from './patient.repository.js';
import { PatientsController } from './patients.controller.js';

@Module({
  imports: [TypeOrmModule.forFeature([PatientEntity, PatientIdentifierEntity])],
  controllers: [PatientsController],
  providers: [PatientRepository, NationalIdHasher],
  exports: [PatientRepository],
})
export class PatientsModule {}
