import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StudiesModule } from '@hub/studies';
import { ConsultationEventLog } from './consultation-event-log.js';
import { ConsultationRoomBus } from './consultation-room-bus.js';
import { ConsultationsController } from './consultations.controller.js';
import { Consultations } from './consultations.service.js';
import { ConsultationEntity } from './entities/consultation.entity.js';
import { ConsultationEventEntity } from './entities/consultation-event.entity.js';
import { ConsultationMaterialEntity } from './entities/consultation-material.entity.js';
import { ConsultationParticipantEntity } from './entities/consultation-participant.entity.js';
import { MdtGateway } from './realtime/mdt.gateway.js';

@Module({
  imports: [
    StudiesModule,
    TypeOrmModule.forFeature([
      ConsultationEntity,
      ConsultationParticipantEntity,
      ConsultationMaterialEntity,
      ConsultationEventEntity,
    ]),
  ],
  controllers: [ConsultationsController],
  providers: [Consultations, ConsultationEventLog, ConsultationRoomBus, MdtGateway],
  exports: [Consultations, ConsultationEventLog, ConsultationRoomBus],
})
export class ConsultationModule {}
