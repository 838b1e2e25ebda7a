import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';

/** Connections the adapter holds: one LISTENs for the other processes, the rest send (NOTIFY) and prune attachments. */
const ADAPTER_POOL_SIZE = 4;

type ConnectCallback = (
  err: Error | undefined,
  client: pg.PoolClient | undefined,
  done: (release?: unknown) => void,
) => void;

/**
 * @socket.io/postgres-adapter (0.5) takes its LISTEN connection with `pool.connect()` and, when the server drops that
 * connection (a restart, pg_terminate_backend), forgets the client without releasing it. The pool then counts it as
 * in use for ever: `end()` never resolves (the hub hangs at shutdown) and each drop costs one of its few connections,
 * until the adapter can neither listen nor notify. So a client taken with `connect()` whose connection ends while it
 * is still checked out goes back to the pool as broken (the pool discards it).
 */
class DroppedClientReleasingPool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    // pool.query checks out and releases with the callback form itself.
    if (callback) return super.connect(callback);
    return super.connect().then((client) => {
      const release = client.release.bind(client);
      let released = false;
      const giveBack = (err?: Error | boolean) => {
        if (released) return;
        released = true;
        client.removeListener('end', onEnd);
        release(err);
      };
      const onEnd = () => giveBack(new Error('the server closed the connection'));
      client.once('end', onEnd);
      client.release = giveBack;
      return client;
    });
  }
}

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
    const pool = new DroppedClientReleasingPool({ connectionString: this.databaseUrl, max: ADAPTER_POOL_SIZE });
    // A connection dropped by the server (restart, pg_terminate_backend) must not take the process with it: the
    // adapter reconnects its listener by itself, and a failed NOTIFY is a lost cross-replica message (clients of the
    // MDT room fill gaps from the log; see docs/realtime.md).
    pool.on('error', this.report);
    pool.on('connect', (client) => client.on('error', this.report));
    this.pool = pool;
    return pool;
  }
}
