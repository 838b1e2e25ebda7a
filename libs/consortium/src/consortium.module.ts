import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CentreRepository } from './centre.repository.js';
import { CentresController } from './centres.controller.js';
import { CentresService } from './centres.service.js';
import { ConsortiaController } from './consortia.controller.js';
import { ConsortiaService } from './consortia.service.js';
import { ConsortiumRepository } from './consortium.repository.js';
import { CentreServedInstitutionEntity } from './entities/centre-served-institution.entity.js';
import { CentreEntity } from './entities/centre.entity.js';
import { ConsortiumEntity } from './entities/consortium.entity.js';
import { InstitutionEntity } from './entities/institution.entity.js';
import { ReadingPrivilegeEntity } from './entities/reading-privilege.entity.js';
import { InstitutionRepository } from './institution.repository.js';
import { InstitutionsController } from './institutions.controller.js';
import { InstitutionsService } from './institutions.service.js';
import { ReadingPrivilegeRepository } from './reading-privilege.repository.js';
import { RegistryQueries } from './registry-queries.service.js';
import { RegistryScope } from './registry-scope.service.js';
import { RegistryUsersController } from './registry-users.controller.js';
import { RegistryUsersService } from './registry-users.service.js';

/** The registry: consortia, member institutions, shared centres, users and their reading privileges. */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      ConsortiumEntity,
      InstitutionEntity,
      CentreEntity,
      CentreServedInstitutionEntity,
      ReadingPrivilegeEntity,
    ]),
  ],
  controllers: [ConsortiaController, InstitutionsController, CentresController, RegistryUsersController],
  providers: [
    ConsortiumRepository,
    InstitutionRepository,
    CentreRepository,
    ReadingPrivilegeRepository,
    RegistryScope,
    ConsortiaService,
    InstitutionsService,
    CentresService,
    RegistryUsersService,
    RegistryQueries,
  ],
  exports: [RegistryQueries],
})
export class ConsortiumModule {}
