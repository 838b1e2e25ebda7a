import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor, Roles } from '@hub/core';
import { FindPatientQueryDto, RegisterPatientDto } from './dto/register-patient.dto.js';
import { PatientRepository } from './patient.repository.js';
import type { Patient } from './patient.types.js';

@ApiTags('patients')
@ApiBearerAuth()
@Controller('api/patients')
export class PatientsController {
  constructor(private readonly patients: PatientRepository) {}

  @Post()
  @Roles('clinic_technician', 'clinic_doctor')
  register(@CurrentActor() actor: Actor, @Body() body: RegisterPatientDto): Promise<Patient> {
    return this.patients.register(actor, body);
  }

  @Get()
  findByLocalId(@CurrentActor() actor: Actor, @Query() query: FindPatientQueryDto): Promise<Patient> {
    return this.patients.findByLocalId(actor, query.localId);
  }

  @Get(':id')
  findById(@CurrentActor() actor: Actor, @Param('id', new ParseUUIDPipe()) id: string): Promise<Patient> {
    return this.patients.findById(actor, id);
  }
}
