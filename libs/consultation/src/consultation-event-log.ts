import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isUniqueViolation } from '@hub/db';
import type { MdtEvent, MdtEventPayloads, MdtEventType } from './realtime/mdt-events.js';

export interface NewMdtEvent<T extends MdtEventType = MdtEventType> {
  consultationId: string;
  type: T;
  actorUserId: string;
  actorName: string;
  /** The sender's id for the message; a retry with the same id is not written again. Null for the hub's own events. */
  clientMsgId: string | null;
  payload: MdtEventPayloads[T];
}

export interface AppendedEvent {
  event: MdtEvent;
  /** True when the client message id had been written before: `event` is that first write. */
  duplicate: boolean;
}

/** What the room log says about who attended: first arrival, last departure, per user. */
export interface Attendance {
  userId: string;
  name: string;
  role: string;
  firstJoinedAt: Date;
  lastLeftAt: Date | null;
}

const EVENT_COLUMNS = `e.seq::int AS seq, e.consultation_id AS "consultationId", e.type, e.actor_user_id AS "actorUserId",
  e.actor_name AS "actorName", to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "occurredAt",
  e.payload`;

/**
 * The live room's durable log. An event gets the consultation's next sequence number in the statement that stores it
 * (the consultation row is locked for that statement only), so numbers have no gaps and commit in order.
 */
@Injectable()
export class ConsultationEventLog {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores the event with the next sequence number; throws if the consultation does not exist. */
  async append<T extends MdtEventType>(input: NewMdtEvent<T>, m?: EntityManager): Promise<AppendedEvent> {
    const appended = await this.appendIf(input, false, m);
    if (!appended) throw new Error(`consultation ${input.consultationId} does not exist`);
    return appended;
  }

  /** Like append, but only while the room is open (scheduled or live); null when it is not (or does not exist). */
  appendWhileOpen<T extends MdtEventType>(input: NewMdtEvent<T>, m?: EntityManager): Promise<AppendedEvent | null> {
    return this.appendIf(input, true, m);
  }

  private async appendIf<T extends MdtEventType>(
    input: NewMdtEvent<T>,
    whileOpen: boolean,
    m?: EntityManager,
  ): Promise<AppendedEvent | null> {
    const manager = m ?? this.dataSource.manager;
    // Outside a transaction a retried message is caught by the unique index below (one round trip for the usual case,
    // a new message); inside one, a failed statement would abort the caller's transaction, so look first.
    if (input.clientMsgId !== null && m) {
      const earlier = await this.byClientMsgId(manager, input);
      if (earlier) return { event: earlier, duplicate: true };
    }
    try {
      const [event]: MdtEvent[] = await manager.query(
        `WITH numbered AS (
           UPDATE consultations SET last_seq = last_seq + 1
            WHERE id = $1 AND ($7::boolean IS FALSE OR state IN ('scheduled', 'live'))
            RETURNING last_seq),
         e AS (
           INSERT INTO consultation_events (consultation_id, seq, type, actor_user_id, actor_name, client_msg_id, payload)
           SELECT $1, numbered.last_seq, $2, $3, $4, $5, $6::jsonb FROM numbered
           RETURNING *)
         SELECT ${EVENT_COLUMNS} FROM e`,
        [
          input.consultationId,
          input.type,
          input.actorUserId,
          input.actorName,
          input.clientMsgId,
          JSON.stringify(input.payload),
          whileOpen,
        ],
      );
      return event ? { event, duplicate: false } : null;
    } catch (err) {
      // A retry of a message already written (or two sends of one message racing): the first one's write stands.
      const earlier = isUniqueViolation(err) && !m ? await this.byClientMsgId(manager, input) : null;
      if (earlier) return { event: earlier, duplicate: true };
      throw err;
    }
  }

  /** The events after `lastSeq`, in order (at most `limit`; ask again from the last one for more). */
  since(consultationId: string, lastSeq: number, limit = 10_000, m?: EntityManager): Promise<MdtEvent[]> {
    return (m ?? this.dataSource.manager).query(
      `SELECT ${EVENT_COLUMNS} FROM consultation_events e
        WHERE e.consultation_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3`,
      [consultationId, lastSeq, limit],
    );
  }

  /** Who was in the room, from its presence events. */
  async attendance(consultationId: string, m?: EntityManager): Promise<Attendance[]> {
    return (m ?? this.dataSource.manager).query(
      `SELECT e.actor_user_id AS "userId", max(e.actor_name) AS name,
              (array_agg(e.payload->>'role' ORDER BY e.seq) FILTER (WHERE e.type = 'presence.joined'))[1] AS role,
              min(e.occurred_at) FILTER (WHERE e.type = 'presence.joined') AS "firstJoinedAt",
              max(e.occurred_at) FILTER (WHERE e.type = 'presence.left') AS "lastLeftAt"
         FROM consultation_events e
        WHERE e.consultation_id = $1 AND e.type IN ('presence.joined', 'presence.left')
        GROUP BY e.actor_user_id
       HAVING count(*) FILTER (WHERE e.type = 'presence.joined') > 0
        ORDER BY min(e.seq)`,
      [consultationId],
    );
  }

  private async byClientMsgId(m: EntityManager, input: NewMdtEvent): Promise<MdtEvent | null> {
    const [event]: MdtEvent[] = await m.query(
      `SELECT ${EVENT_COLUMNS} FROM consultation_events e
        WHERE e.consultation_id = $1 AND e.actor_user_id = $2 AND e.client_msg_id = $3`,
      [input.consultationId, input.actorUserId, input.clientMsgId],
    );
    return event ?? null;
  }
}
