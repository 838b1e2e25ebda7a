import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { HubMetrics } from '@hub/core';
import { PRIORITY_RANK } from '../domain/sla.js';

const PRIORITY_OF_RANK = new Map(Object.entries(PRIORITY_RANK).map(([priority, rank]) => [rank, priority]));

/** Waiting to be read (`queued`) and waiting for a senior's review (`submitted`): the two queues a centre works. */
const DEPTH_BY_CENTRE = `
  SELECT centre_id, state, priority_rank, count(*)::int AS depth
  FROM reading_tasks
  WHERE state IN ('queued', 'submitted')
  GROUP BY centre_id, state, priority_rank`;

/** `hub_queue_depth{centre, state, priority}`, counted in the database at each scrape (both queues are indexed). */
@Injectable()
export class QueueDepthMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: HubMetrics,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.metrics.collectedGauge(
      'hub_queue_depth',
      'Reading tasks waiting at each centre: state queued (to read) or submitted (to review), by priority',
      ['centre', 'state', 'priority'],
      async (set) => {
        const rows =
          await this.dataSource.query<{ centre_id: string; state: string; priority_rank: number; depth: number }[]>(
            DEPTH_BY_CENTRE,
          );
        for (const row of rows) {
          const priority = PRIORITY_OF_RANK.get(row.priority_rank) ?? String(row.priority_rank);
          set({ centre: row.centre_id, state: row.state, priority }, row.depth);
        }
      },
    );
  }
}
