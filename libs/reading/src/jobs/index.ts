export { JOBS_SCHEMA, type JobDefinition, JobQueue } from './job-queue.js';
export { SLA_SWEEP_JOB, SlaSweep, type SlaSweepResult } from './sla-sweep.js';
