export { JOBS_SCHEMA, type JobDefinition, JobQueue } from '@hub/db';
export { SLA_SWEEP_JOB, SlaSweep, type SlaSweepResult } from './sla-sweep.js';
