import { Global, Module } from '@nestjs/common';
import { JobQueue } from './job-queue.js';

/** One job queue per process, for every module that defines background jobs (reading's SLA sweep, audit retention). */
@Global()
@Module({ providers: [JobQueue], exports: [JobQueue] })
export class JobsModule {}
