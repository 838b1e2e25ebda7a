export * from './entities/patient.entity.js';
export * from './entities/patient-identifier.entity.js';
export * from './patient.types.js';
export * from './patient-access.policy.js';
export * from './patient.repository.js';
export * from './patients.module.js';
export * from './national-id.js';
export * from './dto/register-patient.dto.js';
