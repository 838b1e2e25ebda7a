import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Server } from 'socket.io';
import { HUB_CONFIG, type HubConfig } from '@hub/core';
import { DatabaseRuntime, SocketIoPostgresLink } from '@hub/db';
import { EVENTS_NAMESPACE, ReadingEventBus, type ReadingEventsNamespace, relayReadingEvents } from '@hub/reading';

/**
 * The reading events the worker's jobs raise (task.released when a lease ran out, sla.warning, sla.breached) go to the
 * hub replicas' /events rooms through the socket.io PostgreSQL adapter: a socket.io server with no clients and no
 * port, whose broadcasts the replicas (SOCKET_ADAPTER=postgres) deliver to their own sockets.
 */
@Injectable()
export class ReadingEventRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReadingEventRelay');
  private io?: Server;
  private link?: SocketIoPostgresLink;
  private unsubscribe?: () => void;

  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly database: DatabaseRuntime,
    private readonly bus: ReadingEventBus,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.SOCKET_ADAPTER !== 'postgres') {
      this.logger.warn(
        'SOCKET_ADAPTER is not postgres: live events of the jobs this worker runs (expired leases, SLA warnings) reach ' +
          'no browser; set SOCKET_ADAPTER=postgres here and on every hub replica',
      );
      return;
    }
    this.link = new SocketIoPostgresLink(this.database.urls.appUrl, (err) =>
      this.logger.warn(`socket.io PostgreSQL adapter: ${err.message}`),
    );
    this.io = new Server({ serveClient: false });
    this.io.adapter(this.link.adapter());
    this.unsubscribe = relayReadingEvents(this.bus, this.io.of(EVENTS_NAMESPACE) as ReadingEventsNamespace);
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await new Promise<void>((resolve) => (this.io ? this.io.close(() => resolve()) : resolve()));
    await this.link?.close();
  }
}
