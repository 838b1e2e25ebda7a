import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import type { Server, ServerOptions } from 'socket.io';
import type { HubConfig, HubMetrics } from '@hub/core';

/** Connections the adapter holds: one LISTENs for the other replicas, the rest send (NOTIFY) and prune attachments. */
const ADAPTER_POOL_SIZE = 4;

/**
 * socket.io for the hub: with SOCKET_ADAPTER=postgres, the server's namespaces (/events, /mdt) reach every other
 * replica's through the socket.io PostgreSQL adapter (LISTEN/NOTIFY in the hub's own database), so a broadcast to a
 * room reaches its sockets on every replica and `fetchSockets` sees them all. Nothing else is needed to run
 * replicas: the database is already shared. With 'local' (one process), socket.io's in-memory adapter.
 */
export class HubIoAdapter extends IoAdapter {
  private readonly adapterLogger = new Logger('SocketAdapter');
  private pool: pg.Pool | null = null;
  private measured = false;

  constructor(
    app: INestApplicationContext,
    private readonly config: HubConfig,
    private readonly databaseUrl: string,
    private readonly metrics: HubMetrics,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    this.measure(server);
    if (this.config.SOCKET_ADAPTER === 'postgres')
      server.adapter(createAdapter(this.adapterPool(), { errorHandler: (err) => this.report(err) }));
    return server;
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    const pool = this.pool;
    this.pool = null;
    await pool?.end();
  }

  /** This replica's sockets and rooms per namespace (a socket's own room, named by its id, is not counted). */
  private measure(server: Server): void {
    if (this.measured) return;
    this.measured = true;
    this.metrics.collectedGauge(
      'hub_socket_connections',
      'Connected socket.io clients on this replica',
      ['namespace'],
      (set) => {
        for (const [name, nsp] of server._nsps) set({ namespace: name }, nsp.sockets.size);
      },
    );
    this.metrics.collectedGauge(
      'hub_socket_rooms',
      'socket.io rooms with a client on this replica (/mdt: live consultation rooms)',
      ['namespace'],
      (set) => {
        for (const [name, nsp] of server._nsps) {
          const { rooms, sids } = nsp.adapter;
          set({ namespace: name }, [...rooms.keys()].filter((room) => !sids.has(room)).length);
        }
      },
    );
  }

  private adapterPool(): pg.Pool {
    if (this.pool) return this.pool;
    const pool = new pg.Pool({ connectionString: this.databaseUrl, max: ADAPTER_POOL_SIZE });
    // A connection dropped by the server (restart, pg_terminate_backend) must not take the process with it: the
    // adapter reconnects its listener by itself, and a failed NOTIFY is a lost cross-replica message (clients of the
    // MDT room fill gaps from the log; see docs/realtime.md).
    pool.on('error', (err) => this.report(err));
    pool.on('connect', (client) => client.on('error', (err) => this.report(err)));
    this.pool = pool;
    return pool;
  }

  private report(err: Error): void {
    this.adapterLogger.warn(`socket.io PostgreSQL adapter: ${err.message}`);
  }
}
