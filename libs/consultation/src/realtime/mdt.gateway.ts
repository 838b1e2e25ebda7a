import { randomUUID } from 'node:crypto';
import {
  type BeforeApplicationShutdown,
  HttpException,
  Inject,
  Logger,
  type OnModuleDestroy,
  Optional,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditTrail } from '@hub/audit';
import { authenticateHandshake, AuthGuard, connectError, whenTokenExpires } from '@hub/auth';
import { type Actor, HUB_CONFIG, type HubConfig, requestContext, type RequestContext } from '@hub/core';
import { type AppendedEvent, ConsultationEventLog, type NewMdtEvent } from '../consultation-event-log.js';
import { NOT_YOURS, viewerOf } from '../consultation-access.js';
import { ConsultationRoomBus } from '../consultation-room-bus.js';
import { type ConsultationRecord, loadConsultation, participantRole } from '../consultation-store.js';
import { Consultations } from '../consultations.service.js';
import { conclusionEditRefusal, joinRefusal } from '../domain/consultation-state.js';
import {
  clientEventRefusal,
  isMdtClientEvent,
  MDT_MAX_PAYLOAD_BYTES,
  MDT_NAMESPACE,
  type MdtAck,
  type MdtClientEventName,
  type MdtClientEvents,
  type MdtClientPayloads,
  type MdtErrorAck,
  type MdtEvent,
  type MdtEventType,
  type MdtJoinAck,
  type MdtLeaveReason,
  type MdtPersistedClientEventName,
  type MdtRelayAck,
  type MdtRole,
  type MdtRoomState,
  type MdtServerEvents,
  parseClientPayload,
  PERSISTED_TYPE_OF,
} from './mdt-events.js';
import {
  MDT_RATE_LIMIT,
  MDT_RATE_LIMIT_DEFAULTS,
  type MdtRateLimit,
  MdtRateLimiter,
  rateLimitedMessage,
} from './mdt-rate-limit.js';
import { MdtRoomFanout } from './mdt-room-fanout.js';
import { MdtRoomPresence } from './mdt-room-presence.js';
import { MdtRoomSerial } from './mdt-room-serial.js';
import { MdtRoomStates } from './mdt-room-state.js';

interface MdtSocketData {
  actor: Actor;
  expiresAt: Date;
  /** The room this socket has joined (one at a time), and the user's standing there. */
  consultationId: string | null;
  role: MdtRole | null;
  /** Why the socket is going, when the hub closes it (otherwise a disconnect is `disconnected`). */
  leaveReason: MdtLeaveReason | null;
}
/** Between hub replicas (through the socket.io adapter): an event one of them committed to the log. */
interface MdtReplicaEvents {
  /** Events one replica committed during one turn of its event loop (at most REPLICA_EMIT_GROUP), in commit order. */
  'mdt.committed': (events: MdtEvent[]) => void;
}
/**
 * Most events in one message to the other replicas: with the PostgreSQL adapter a message is a NOTIFY, whose payload
 * must stay under 8,000 bytes or the adapter stores it in a table first (a chat event is about 300 bytes).
 */
const REPLICA_EMIT_GROUP = 16;

type MdtNamespace = Namespace<MdtClientEvents, MdtServerEvents, MdtReplicaEvents, MdtSocketData>;
type MdtSocket = Socket<MdtClientEvents, MdtServerEvents, MdtReplicaEvents, MdtSocketData>;
type AnyAck = MdtJoinAck | MdtAck | MdtRelayAck;

/**
 * The socket.io server's `maxHttpBufferSize` wanted for /mdt: above MDT_MAX_PAYLOAD_BYTES (128 KiB), so an oversize
 * payload reaches the gateway and gets a `too_large` ack instead of a dropped connection. It is socket.io's default
 * (1 MB); stated here because the option belongs to the server that all namespaces share (see afterInit).
 */
export const MDT_SOCKET_BUFFER_BYTES = 1_000_000;
const MIN_SOCKET_BUFFER_BYTES = 2 * MDT_MAX_PAYLOAD_BYTES;
/** Rows read per query when replaying or catching up the room state (the log pages its reads). */
const LOG_PAGE = 10_000;
/** How long an event that overtook an earlier one waits for it before the fan-out reads the log (MdtRoomFanout). */
const GAP_WAIT_MS = 25;

/** Events whose permission depends on the room (presenter, presence) or on the consultation (signed conclusion). */
const ROOM_CHECKED: ReadonlySet<MdtClientEventName> = new Set(['view.set', 'presenter.handover', 'conclusion.draft']);

const consultationRoom = (consultationId: string) => `consultation:${consultationId}`;
/** A user's sockets in one consultation room, on whichever replica: where `rtc.signal` goes. */
const participantRoom = (consultationId: string, userId: string) => `consultation:${consultationId}:user:${userId}`;

const NOT_JOINED: MdtErrorAck = {
  ok: false,
  code: 'not_joined',
  error: 'Join a consultation room first: emit join { consultationId, lastSeq }',
};
const forbidden = (error: string): MdtErrorAck => ({ ok: false, code: 'forbidden', error });

/**
 * socket.io namespace /mdt: the live consultation rooms (one per consultation, `consultation:<id>`).
 *
 * - Handshake: the access token in `auth: { token }`, checked like /events (401 connect_error when missing, invalid,
 *   expired or its session ended). Connecting needs no consultation; `join` picks the room and is refused with a
 *   reason (and audited) for anyone but the requesting side, the consortium's coordinators and active invitees, and
 *   for a room that is not scheduled or live. At token expiry the hub sends `session.expired` and closes the socket.
 * - Persisted client events are numbered in PostgreSQL (ConsultationEventLog) and broadcast as `mdt.event` only after
 *   the append has resolved (committed); a retried clientMsgId acks the first seq and is not broadcast again.
 * - Ordering: every committed event, written here or by another replica (published to the others with
 *   `serverSideEmit` when SOCKET_ADAPTER shares the namespace), goes through MdtRoomFanout, which sends each room's
 *   events to this process's sockets strictly in `seq` order (the per-consultation number, from 1 without gaps). A
 *   join's replay and the live stream overlap on purpose, so clients still drop an event at or below the last applied
 *   seq, and after any reconnect re-join with `lastSeq` = the last applied seq: the ack carries exactly what was
 *   missed. A socket's own events are handled one at a time in the order sent.
 * - Presence: `presence.joined` when a user's first socket on this hub process enters the room, `presence.left` when
 *   the last one leaves or disconnects (see MdtRoomPresence for what that means with several replicas); a presenter
 *   who leaves hands the view to nobody (`presenter.changed { toUserId: null }`), after which the chair hands it on.
 * - Flood control: a token bucket per socket (MDT_RATE_LIMIT_DEFAULTS: 20 events/s, bursts of 40) checked before any
 *   parsing or I/O, so a refused event costs nothing; join, leave and rtc.signal count too.
 * - An unexpected failure (the database is down) gets no ack: the client's ack timeout fires and it retries with the
 *   same clientMsgId, which the log de-duplicates.
 */
@WebSocketGateway({ namespace: MDT_NAMESPACE, serveClient: false, maxHttpBufferSize: MDT_SOCKET_BUFFER_BYTES })
export class MdtGateway
  implements
    OnGatewayInit<MdtNamespace>,
    OnGatewayConnection<MdtSocket>,
    OnGatewayDisconnect<MdtSocket>,
    OnModuleDestroy,
    BeforeApplicationShutdown
{
  private readonly logger = new Logger('MdtGateway');
  private readonly rateLimit: MdtRateLimit;
  private namespace: MdtNamespace | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();
  private readonly limiters = new Map<string, MdtRateLimiter>();
  /** A socket's events, one at a time in arrival order (keyed by socket id). */
  private readonly socketWork = new MdtRoomSerial();
  /** A user's presence changes in a room, in order (keyed by consultation + user). */
  private readonly presenceWork = new MdtRoomSerial();
  private readonly presence = new MdtRoomPresence();
  private readonly states = new MdtRoomStates(LOG_PAGE);
  /** Committed here, waiting for the end of this turn to go to the other replicas (see broadcast). */
  private replicaOutbox: MdtEvent[] = [];
  private readonly fanout = new MdtRoomFanout({
    emit: (event) => this.namespace?.local.to(consultationRoom(event.consultationId)).emit('mdt.event', event),
    readAfter: (id, after) => this.log.since(id, after, LOG_PAGE),
    gapWaitMs: GAP_WAIT_MS,
    onError: (err) => this.failed("reading a gap in a room's events from the log", err),
  });
  /** Whether other replicas share this namespace through a socket.io adapter (SOCKET_ADAPTER). */
  private readonly replicated: boolean;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly auth: AuthGuard,
    private readonly audit: AuditTrail,
    private readonly log: ConsultationEventLog,
    private readonly consultations: Consultations,
    private readonly bus: ConsultationRoomBus,
    @Inject(HUB_CONFIG) config: HubConfig,
    @Optional() @Inject(MDT_RATE_LIMIT) rateLimit?: MdtRateLimit,
  ) {
    this.replicated = config.SOCKET_ADAPTER !== 'local';
    this.rateLimit = rateLimit ?? MDT_RATE_LIMIT_DEFAULTS;
    new MdtRateLimiter(this.rateLimit); // fails fast on a limit that would refuse everything
  }

  afterInit(namespace: MdtNamespace): void {
    this.namespace = namespace;
    // maxHttpBufferSize belongs to the socket.io server all namespaces share: the gateway that creates it (the first
    // one initialised) sets it, so the decorator's value above may not be the one in force. Say so if it is too small.
    const buffer = namespace.server.engine?.opts.maxHttpBufferSize;
    if (buffer !== undefined && buffer < MIN_SOCKET_BUFFER_BYTES) {
      this.logger.warn(
        `socket.io maxHttpBufferSize is ${buffer} bytes: payloads between that and ${MDT_MAX_PAYLOAD_BYTES} bytes ` +
          `drop the /mdt connection instead of getting a too_large ack; set it to at least ${MIN_SOCKET_BUFFER_BYTES}`,
      );
    }
    namespace.use((socket, next) => {
      this.admit(socket as MdtSocket).then(
        () => next(),
        (err: unknown) => {
          if (!(err instanceof HttpException)) this.failed('admitting a socket', err);
          next(connectError(err));
        },
      );
    });
    // Events stored elsewhere (a conclusion drafted over REST) are broadcast like the room's own.
    this.unsubscribe = this.bus.subscribe((event) => this.broadcast(event));
    // Events committed by other replicas: their rooms' sockets here get them through the same ordered fan-out.
    if (this.replicated) namespace.on('mdt.committed', (events) => events.forEach((event) => this.committed(event)));
  }

  handleConnection(socket: MdtSocket): void {
    const { expiresAt } = socket.data;
    this.limiters.set(socket.id, new MdtRateLimiter(this.rateLimit));
    // Listeners first, synchronously: the client may emit as soon as it hears it is connected.
    socket.onAny((event: string, ...args: unknown[]) => this.receive(socket, event, args));
    const timer = whenTokenExpires(expiresAt, () => {
      socket.data.leaveReason = 'session_expired';
      socket.emit('session.expired', {
        message: 'The access token expired: reconnect with a fresh one, then join again with your lastSeq',
      });
      socket.disconnect(true);
    });
    this.expiryTimers.set(socket.id, timer);
  }

  handleDisconnect(socket: MdtSocket): void {
    clearTimeout(this.expiryTimers.get(socket.id));
    this.expiryTimers.delete(socket.id);
    this.limiters.delete(socket.id);
    if (!socket.data.actor) return; // refused at the handshake
    const reason = socket.data.leaveReason ?? 'disconnected';
    // Queued behind the socket's pending events, so a join still running completes before the departure is written.
    this.socketWork
      .run(socket.id, () => requestContext.run(this.contextOf(socket), () => this.depart(socket, reason)))
      .catch((err: unknown) => this.failed(`departure of user ${socket.data.actor.userId}`, err));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const timer of this.expiryTimers.values()) clearTimeout(timer);
    this.expiryTimers.clear();
    this.fanout.clear();
  }

  /** Closes this process's sockets while the database is still there, so their departures are logged. */
  async beforeApplicationShutdown(): Promise<void> {
    this.namespace?.disconnectSockets(true);
    await this.socketWork.idle();
    await this.presenceWork.idle();
  }

  // ── The handshake ─────────────────────────────────────────────────────────────────────────────────────────────────

  private async admit(socket: MdtSocket): Promise<void> {
    const { actor, expiresAt } = await authenticateHandshake(this.auth, socket.handshake.auth, MDT_NAMESPACE);
    socket.data = { actor, expiresAt, consultationId: null, role: null, leaveReason: null };
  }

  // ── Dispatch ──────────────────────────────────────────────────────────────────────────────────────────────────────

  private receive(socket: MdtSocket, event: string, args: unknown[]): void {
    const last = args.at(-1);
    const ack = typeof last === 'function' ? (last as (res: AnyAck) => void) : undefined;
    const raw = args.length > (ack ? 1 : 0) ? args[0] : undefined;
    const taken = this.limiters.get(socket.id)?.take() ?? { ok: true };
    if (!taken.ok) {
      ack?.({ ok: false, code: 'rate_limited', error: rateLimitedMessage(this.rateLimit, taken.retryAfterMs) });
      return;
    }
    if (!isMdtClientEvent(event)) {
      const parsed = parseClientPayload(event, raw);
      if (!parsed.ok) ack?.({ ok: false, code: parsed.code, error: parsed.error });
      return;
    }
    this.socketWork
      .run(socket.id, () => requestContext.run(this.contextOf(socket), () => this.handle(socket, event, raw)))
      .then(
        (res) => ack?.(res),
        // No ack: the client times out and retries (see the class comment).
        (err: unknown) => this.failed(`${event} from user ${socket.data.actor.userId}`, err),
      );
  }

  private handle(socket: MdtSocket, event: MdtClientEventName, raw: unknown): Promise<AnyAck> {
    switch (event) {
      case 'join':
        return this.join(socket, raw);
      case 'leave':
        return this.leave(socket, raw);
      case 'rtc.signal':
        return this.relay(socket, raw);
      default:
        return this.persist(socket, event, raw);
    }
  }

  /**
   * Logs what failed by name and message only: a database error object carries its statement's parameters, which may
   * be a chat line or a conclusion (patient data never goes to the log).
   */
  private failed(what: string, err: unknown): void {
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : 'unknown error';
    this.logger.error(`${what} failed: ${reason}`);
  }

  /** Audit rows and anything else reading the request context see the socket's user. */
  private contextOf(socket: MdtSocket): RequestContext {
    return { requestId: randomUUID(), sourceIp: socket.handshake.address ?? null, actor: socket.data.actor };
  }

  // ── join / leave ──────────────────────────────────────────────────────────────────────────────────────────────────

  private async join(socket: MdtSocket, raw: unknown): Promise<MdtJoinAck> {
    const parsed = parseClientPayload('join', raw);
    if (!parsed.ok) return { ok: false, code: parsed.code, error: parsed.error };
    const { consultationId: id, lastSeq } = parsed.value;
    const { actor } = socket.data;

    const consultation = await loadConsultation(this.dataSource.manager, id);
    const role = consultation
      ? viewerOf(actor, consultation, await participantRole(this.dataSource.manager, id, actor.userId))
      : null;
    // An unknown id gets the same answer as someone else's consultation: the refusal does not confirm it exists.
    if (!consultation || !role) return this.refuseJoin(id, consultation, NOT_YOURS);
    const closed = joinRefusal(consultation.state);
    if (closed) return this.refuseJoin(id, consultation, `Cannot join the room: ${closed}`);

    // Entering the room is access to the patient's case (the replay carries the shared view and the discussion).
    await this.audit.record({
      action: 'consultation.room.join',
      objectType: 'consultation',
      objectId: id,
      patientId: consultation.patientId,
      details: { role, lastSeq },
    });
    if (socket.data.consultationId !== null && socket.data.consultationId !== id) {
      await this.depart(socket, 'left'); // one room at a time
    }
    socket.data.consultationId = id;
    socket.data.role = role;
    const room = consultationRoom(id);
    try {
      const first = this.presence.enter(id, actor.userId, socket.id);
      this.fanout.enter(id); // with the presence, so a departure meanwhile sees the room occupied
      if (first) {
        const { event } = await this.presenceWork.run(`${id}:${actor.userId}`, () =>
          this.log.append(this.hubEvent(id, actor, 'presence.joined', { role })),
        );
        this.broadcast(event); // before the socket is in the room: the joiner gets it in its replay
      }
      // In the room before reading the replay: an event appended meanwhile is both replayed and heard live (the
      // client drops the second copy by seq) rather than neither.
      await socket.join([room, participantRoom(id, actor.userId)]);
      const events = await this.replay(id, lastSeq);
      const state = await this.currentState(id);
      this.fanout.ready(id, events.at(-1)?.seq ?? Math.min(lastSeq, state.lastSeq));
      return { ok: true, events, role, presenterUserId: state.presenterUserId };
    } catch (err) {
      await this.depart(socket, 'left').catch((e: unknown) => this.failed('undoing a failed join', e));
      throw err;
    }
  }

  private async refuseJoin(id: string, c: ConsultationRecord | null, reason: string): Promise<MdtJoinAck> {
    await this.audit.record({
      action: 'consultation.room.join',
      objectType: 'consultation',
      objectId: id,
      patientId: c?.patientId ?? null,
      outcome: 'denied',
      details: { reason },
    });
    return forbidden(reason);
  }

  private async leave(socket: MdtSocket, raw: unknown): Promise<MdtRelayAck> {
    const parsed = parseClientPayload('leave', raw);
    if (!parsed.ok) return { ok: false, code: parsed.code, error: parsed.error };
    if (socket.data.consultationId === null) return NOT_JOINED;
    await this.depart(socket, 'left');
    return { ok: true };
  }

  /** Takes the socket out of its room; the user's last socket there writes presence.left (and frees the view). */
  private async depart(socket: MdtSocket, reason: MdtLeaveReason): Promise<void> {
    const id = socket.data.consultationId;
    if (id === null) return;
    const { actor } = socket.data;
    socket.data.consultationId = null;
    socket.data.role = null;
    await socket.leave(consultationRoom(id));
    await socket.leave(participantRoom(id, actor.userId));
    if (this.presence.exit(id, actor.userId, socket.id)) {
      await this.presenceWork.run(`${id}:${actor.userId}`, () => this.writeDeparture(id, actor, reason));
    }
    if (!this.presence.occupied(id)) {
      this.states.forget(id);
      this.fanout.forget(id);
    }
  }

  private async writeDeparture(id: string, actor: Actor, reason: MdtLeaveReason): Promise<void> {
    let written: MdtEvent[];
    try {
      written = await this.dataSource.transaction(async (m) => {
        // Locked, so a handover committing meanwhile cannot be overwritten by the "nobody presents" below.
        if (!(await loadConsultation(m, id, true))) return [];
        const before = await this.currentState(id, m);
        const out = [(await this.log.append(this.hubEvent(id, actor, 'presence.left', { reason }), m)).event];
        if (before.presenterUserId === actor.userId) {
          out.push((await this.log.append(this.hubEvent(id, actor, 'presenter.changed', { toUserId: null }), m)).event);
        }
        return out;
      });
    } catch (err) {
      this.states.forget(id);
      throw err;
    }
    for (const event of written) this.broadcast(event);
  }

  // ── Persisted client events ───────────────────────────────────────────────────────────────────────────────────────

  private async persist(socket: MdtSocket, event: MdtPersistedClientEventName, raw: unknown): Promise<MdtAck> {
    const id = socket.data.consultationId;
    const role = socket.data.role;
    if (id === null || role === null) return NOT_JOINED;
    const parsed = parseClientPayload(event, raw);
    if (!parsed.ok) return { ok: false, code: parsed.code, error: parsed.error };
    const value = parsed.value;
    const { actor } = socket.data;
    const entry: NewMdtEvent = {
      consultationId: id,
      type: PERSISTED_TYPE_OF[event],
      actorUserId: actor.userId,
      actorName: actor.username,
      clientMsgId: value.clientMsgId,
      payload: value as NewMdtEvent['payload'],
    };
    let outcome: AppendedEvent | { refused: string };
    if (ROOM_CHECKED.has(event)) {
      try {
        outcome = await this.dataSource.transaction((m) =>
          this.appendChecked(m, event, value, { userId: actor.userId, role }, entry),
        );
      } catch (err) {
        this.states.forget(id);
        throw err;
      }
    } else {
      // No rule of the room applies to these today; the check stays so a new rule in mdt-events takes effect here.
      const refusal = clientEventRefusal(event, value, { userId: actor.userId, role }, this.states.cached(id));
      if (refusal) return forbidden(refusal);
      outcome = (await this.log.appendWhileOpen(entry)) ?? {
        refused: 'The room is closed: the consultation has ended or was cancelled',
      };
    }
    if ('refused' in outcome) return forbidden(outcome.refused);
    if (!outcome.duplicate) this.broadcast(outcome.event);
    return { ok: true, seq: outcome.event.seq };
  }

  /**
   * The check and the append under the consultation's row lock (the log's append takes the same lock to number the
   * event), so the room state checked is the state the event lands in: no handover can slip in between.
   */
  private async appendChecked(
    m: EntityManager,
    event: MdtPersistedClientEventName,
    value: MdtClientPayloads[MdtPersistedClientEventName],
    actor: { userId: string; role: MdtRole },
    entry: NewMdtEvent,
  ): Promise<AppendedEvent | { refused: string }> {
    const c = await loadConsultation(m, entry.consultationId, true);
    if (!c) return { refused: 'The consultation no longer exists' };
    const state = await this.currentState(entry.consultationId, m);
    const closed = joinRefusal(c.state);
    let refusal = closed ? `The room is closed: ${closed}` : clientEventRefusal(event, value, actor, state);
    if (!refusal && event === 'conclusion.draft')
      refusal = conclusionEditRefusal(c.state, c.conclusionSignedAt !== null);
    if (refusal) {
      // A retry of a message stored before the room changed still gets its seq, as any retry does.
      const earlier = await this.earlier(m, entry);
      return earlier ?? { refused: refusal };
    }
    const appended = await this.log.append(entry, m);
    if (!appended.duplicate && event === 'conclusion.draft') {
      const { text } = value as MdtClientPayloads['conclusion.draft'];
      await this.consultations.saveDraft(m, entry.consultationId, text);
      await this.audit.record(
        {
          action: 'consultation.conclusion.draft',
          objectType: 'consultation',
          objectId: entry.consultationId,
          patientId: c.patientId,
          details: { length: text.length, seq: appended.event.seq, via: 'mdt' },
        },
        m,
      );
    }
    return appended;
  }

  // ── rtc.signal ────────────────────────────────────────────────────────────────────────────────────────────────────

  private async relay(socket: MdtSocket, raw: unknown): Promise<MdtRelayAck> {
    const id = socket.data.consultationId;
    const role = socket.data.role;
    if (id === null || role === null) return NOT_JOINED;
    const parsed = parseClientPayload('rtc.signal', raw);
    if (!parsed.ok) return { ok: false, code: parsed.code, error: parsed.error };
    const { toUserId, kind, payload } = parsed.value;
    const { actor } = socket.data;
    const refusal = clientEventRefusal(
      'rtc.signal',
      parsed.value,
      { userId: actor.userId, role },
      await this.currentState(id),
    );
    if (refusal) return forbidden(refusal);
    // A broadcast through the adapter, not a look-up of the target's sockets: no round trip to every replica, and
    // no wait for one that just died. Presence (from the log) decided above that they are here.
    this.namespace!.to(participantRoom(id, toUserId)).emit('rtc.signal', { fromUserId: actor.userId, kind, payload });
    return { ok: true };
  }

  // ── The log ───────────────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Sends an event this process committed to its room here and on every other replica: to those, the events of one
   * turn of the event loop (a group commit's) go together, in fewer adapter messages.
   */
  private broadcast(event: MdtEvent): void {
    this.committed(event);
    if (!this.replicated) return;
    if (this.replicaOutbox.push(event) > 1) return;
    setImmediate(() => {
      const events = this.replicaOutbox;
      this.replicaOutbox = [];
      for (let i = 0; i < events.length; i += REPLICA_EMIT_GROUP) {
        this.namespace?.serverSideEmit('mdt.committed', events.slice(i, i + REPLICA_EMIT_GROUP));
      }
    });
  }

  /** A committed event, from here or another replica: folded into the cached state, sent to the room's sockets here. */
  private committed(event: MdtEvent): void {
    this.states.observe(event);
    this.fanout.deliver(event);
  }

  /** Every event after `lastSeq`, however many (read a page at a time). */
  private async replay(id: string, lastSeq: number): Promise<MdtEvent[]> {
    const events: MdtEvent[] = [];
    for (let after = lastSeq; ;) {
      const page = await this.log.since(id, after, LOG_PAGE);
      for (const event of page) events.push(event);
      if (page.length < LOG_PAGE) return events;
      after = page[page.length - 1]!.seq;
    }
  }

  /** The room's state caught up with the log (through `m` inside a transaction: never another pooled connection). */
  private currentState(id: string, m?: EntityManager): Promise<MdtRoomState> {
    return this.states.refresh(id, (after) => this.log.since(id, after, LOG_PAGE, m));
  }

  private async earlier(m: EntityManager, entry: NewMdtEvent): Promise<AppendedEvent | null> {
    const [row]: { seq: number }[] = await m.query(
      `SELECT seq::int AS seq FROM consultation_events
        WHERE consultation_id = $1 AND actor_user_id = $2 AND client_msg_id = $3`,
      [entry.consultationId, entry.actorUserId, entry.clientMsgId],
    );
    if (!row) return null;
    const [event] = await this.log.since(entry.consultationId, row.seq - 1, 1, m);
    return event ? { event, duplicate: true } : null;
  }

  private hubEvent<T extends MdtEventType>(
    consultationId: string,
    actor: Actor,
    type: T,
    payload: NewMdtEvent<T>['payload'],
  ): NewMdtEvent<T> {
    return { consultationId, type, actorUserId: actor.userId, actorName: actor.username, clientMsgId: null, payload };
  }
}
