import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import type { HubConfig, HubMetrics } from '@hub/core';
import { SocketIoPostgresLink } from '@hub/db';

/**
 * socket.io for the hub: with SOCKET_ADAPTER=postgres, the server's namespaces (/events, /mdt) reach every other
 * replica's through the socket.io PostgreSQL adapter (LISTEN/NOTIFY in the hub's own database), so a broadcast to a
 * room reaches its sockets on every replica and `fetchSockets` sees them all. Nothing else is needed to run
 * replicas: the database is already shared. With 'local' (one process), socket.io's in-memory adapter.
 */
export class HubIoAdapter extends IoAdapter {
  private readonly adapterLogger = new Logger('SocketAdapter');
  private readonly link: SocketIoPostgresLink;
  private measured = false;

  constructor(
    app: INestApplicationContext,
    private readonly config: HubConfig,
    databaseUrl: string,
    private readonly metrics: HubMetrics,
  ) {
    super(app);
    this.link = new SocketIoPostgresLink(databaseUrl, (err) => this.report(err));
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    this.measure(server);
    if (this.config.SOCKET_ADAPTER === 'postgres') server.adapter(this.link.adapter());
    return server;
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    await this.link.close();
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

  private report(err: Error): void {
    this.adapterLogger.warn(`socket.io PostgreSQL adapter: ${err.message}`);
  }
}
