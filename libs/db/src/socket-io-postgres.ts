import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';

/** Connections the adapter holds: one LISTENs for the other processes, the rest send (NOTIFY) and prune attachments. */
const ADAPTER_POOL_SIZE = 4;

/**
 * socket.io's PostgreSQL adapter over the hub's own database (LISTEN/NOTIFY): what lets hub replicas, and a worker
 * that has no clients of its own, broadcast to every replica's sockets. One pool per process, opened on first use.
 */
export class SocketIoPostgresLink {
  private pool: pg.Pool | null = null;

  constructor(
    private readonly databaseUrl: string,
    private readonly report: (err: Error) => void,
  ) {}

  /** An adapter factory for `server.adapter(...)`. */
  adapter(): ReturnType<typeof createAdapter> {
    return createAdapter(this.connect(), { errorHandler: this.report });
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.end();
  }

  private connect(): pg.Pool {
    if (this.pool) return this.pool;
    const pool = new pg.Pool({ connectionString: this.databaseUrl, max: ADAPTER_POOL_SIZE });
    // A connection dropped by the server (restart, pg_terminate_backend) must not take the process with it: the
    // adapter reconnects its listener by itself, and a failed NOTIFY is a lost cross-replica message (clients of the
    // MDT room fill gaps from the log; see docs/realtime.md).
    pool.on('error', this.report);
    pool.on('connect', (client) => client.on('error', this.report));
    this.pool = pool;
    return pool;
  }
}
