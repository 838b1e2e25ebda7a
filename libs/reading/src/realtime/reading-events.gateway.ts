import { randomUUID } from 'node:crypto';
import { ForbiddenException, HttpException, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { AuditTrail } from '@hub/audit';
import { authenticateHandshake, AuthGuard, connectError, whenTokenExpires } from '@hub/auth';
import { type Centre, RegistryQueries } from '@hub/consortium';
import { type Actor, hasRole, requestContext } from '@hub/core';
import { ReadingEventBus } from '../reading-events.js';
import { roomsFor } from './event-rooms.js';
import type { ReadingServerEvents } from './reading-socket-events.js';
import { EVENTS_NAMESPACE, type ReadingEventsNamespace, relayReadingEvents } from './relay-reading-events.js';

type EventsSocket = Socket<Record<string, never>, ReadingServerEvents, Record<string, never>, EventsSocketData>;
interface EventsSocketData {
  userId: string;
  rooms: string[];
  expiresAt: Date;
}

/**
 * socket.io namespace /events: live reading events for the rooms a user follows. The handshake carries the access token
 * (`auth: { token }`); the socket is closed with `session.expired` when that token expires, so a client reconnects
 * with a fresh one and roles or privileges taken away meanwhile take effect. Events carry ids and states only.
 */
@WebSocketGateway({ namespace: EVENTS_NAMESPACE, serveClient: false })
export class ReadingEventsGateway
  implements OnGatewayInit<ReadingEventsNamespace>, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy
{
  private readonly logger = new Logger('ReadingEventsGateway');
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly auth: AuthGuard,
    private readonly registry: RegistryQueries,
    private readonly audit: AuditTrail,
    private readonly bus: ReadingEventBus,
  ) {}

  afterInit(namespace: ReadingEventsNamespace): void {
    namespace.use((socket, next) => {
      this.admit(socket as EventsSocket).then(
        () => next(),
        (err: unknown) => {
          if (!(err instanceof HttpException)) this.logger.error(err);
          next(connectError(err));
        },
      );
    });
    this.unsubscribe = relayReadingEvents(this.bus, namespace);
  }

  async handleConnection(socket: EventsSocket): Promise<void> {
    const { userId, rooms, expiresAt } = socket.data;
    await socket.join(rooms);
    const timer = whenTokenExpires(expiresAt, () => {
      socket.emit('session.expired', { message: 'The access token expired: reconnect with a fresh one' });
      socket.disconnect(true);
    });
    this.expiryTimers.set(socket.id, timer);
    socket.emit('ready', { userId, rooms });
  }

  handleDisconnect(socket: EventsSocket): void {
    clearTimeout(this.expiryTimers.get(socket.id));
    this.expiryTimers.delete(socket.id);
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    for (const timer of this.expiryTimers.values()) clearTimeout(timer);
    this.expiryTimers.clear();
  }

  private async admit(socket: EventsSocket): Promise<void> {
    const { actor, expiresAt } = await authenticateHandshake(this.auth, socket.handshake.auth, EVENTS_NAMESPACE);
    const [centres, privileges] = await Promise.all([this.centresFor(actor), this.registry.privilegesOf(actor.userId)]);
    const rooms = roomsFor(actor, centres, privileges);
    if (rooms.length === 0) {
      await requestContext.run({ requestId: randomUUID(), sourceIp: socket.handshake.address, actor }, () =>
        this.audit.record({
          action: 'access.denied',
          objectType: 'socket_namespace',
          objectId: EVENTS_NAMESPACE,
          outcome: 'denied',
          details: { reason: 'no_rooms' },
        }),
      );
      throw new ForbiddenException(
        'Live reading events are for centre readers privileged for the discipline, clinic staff and coordinators: your roles follow none',
      );
    }
    socket.data = { userId: actor.userId, rooms, expiresAt };
    this.logger.debug(`user ${actor.userId} follows ${rooms.length} room(s) on /events`);
  }

  private async centresFor(actor: Actor): Promise<Centre[]> {
    if (hasRole(actor, 'coordinator') && actor.consortiumId)
      return this.registry.centresOfConsortium(actor.consortiumId);
    if (hasRole(actor, 'reader', 'senior_reader') && actor.institutionId) {
      return this.registry.centresHostedBy(actor.institutionId);
    }
    return [];
  }
}
