import { z } from 'zod';

/**
 * The one event map of socket.io namespace `/mdt` (one room per consultation), shared by the hub and its clients:
 * names, payload schemas (every client→server payload is validated here, at the edge, before anything is stored),
 * acknowledgements, the persisted event a room broadcasts, and a fold of those events into the room's current state.
 *
 * Protocol in short:
 * - `join { consultationId, lastSeq }` answers with every persisted event after `lastSeq`, then the socket hears new
 *   ones live as `mdt.event`. A socket is in one room at a time; the other client events act on that room.
 * - A client event that is persisted carries a `clientMsgId` (unique per sender); the hub stores it with a
 *   per-consultation sequence number before broadcasting and acks `{ ok: true, seq }`. A retry with the same
 *   `clientMsgId` is not stored again: the ack carries the first `seq`.
 * - `rtc.signal` (WebRTC offer / answer / ICE) is relayed to one named participant and never stored.
 * - A refused event gets `{ ok: false, code, error }` and is neither stored nor broadcast.
 *
 * Pure: no I/O, no Nest; the client bundles it as is.
 */

export const MDT_NAMESPACE = '/mdt';

/**
 * The largest client payload taken, serialised as JSON (UTF-8 bytes). Set socket.io's `maxHttpBufferSize` at least to
 * this, so that an oversize payload gets a `too_large` ack instead of a dropped connection.
 */
export const MDT_MAX_PAYLOAD_BYTES = 128 * 1024;
/** The largest WebRTC signalling payload (an SDP offer is a few KB), serialised. */
export const RTC_SIGNAL_MAX_PAYLOAD_BYTES = 64 * 1024;
export const CLIENT_MSG_ID_MAX_CHARS = 64;
export const CHAT_MAX_CHARS = 2000;
export const CONCLUSION_DRAFT_MAX_CHARS = 20_000;
export const ANNOTATION_MAX_POINTS = 500;
export const ANNOTATION_TEXT_MAX_CHARS = 1000;
export const MAX_ZOOM = 100;

/** How a participant takes part: the chair leads and signs the conclusion; the requesting side brought the case. */
export const MDT_ROLES = ['chair', 'specialist', 'requester', 'coordinator'] as const;
export type MdtRole = (typeof MDT_ROLES)[number];

export const ANNOTATION_KINDS = ['arrow', 'ellipse', 'length', 'text', 'polyline'] as const;
export type AnnotationKind = (typeof ANNOTATION_KINDS)[number];
/** Points each kind needs at least: two ends of an arrow or a length, two corners of an ellipse's box, an anchor. */
export const ANNOTATION_MIN_POINTS: Record<AnnotationKind, number> = {
  arrow: 2,
  ellipse: 2,
  length: 2,
  text: 1,
  polyline: 2,
};

export const RTC_SIGNAL_KINDS = ['offer', 'answer', 'ice'] as const;
export type RtcSignalKind = (typeof RTC_SIGNAL_KINDS)[number];

// ── Client → server payloads ─────────────────────────────────────────────────────────────────────────────────────────

/** Any 8-4-4-4-12 hex id, as PostgreSQL's uuid type takes it (not only RFC 9562 versions). */
const uuid = z.guid({ error: 'must be a UUID' });
const dicomUid = z
  .string()
  .max(64, { error: 'must be a DICOM UID of at most 64 characters' })
  .regex(/^[0-9]+(\.[0-9]+)*$/, { error: 'must be a DICOM UID (digits separated by dots)' });
/** PostgreSQL cannot store U+0000 in text or jsonb: refused here with a reason rather than failing at the write. */
const withoutNul = { error: 'must not contain the NUL character (U+0000)' } as const;
const hasNoNul = (s: string) => !s.includes('\u0000');
const clientMsgId = z.string().min(1).max(CLIENT_MSG_ID_MAX_CHARS).refine(hasNoNul, withoutNul);
const frame = z.number().int().min(1, { error: 'must be a frame number from 1' });
const point = z.strictObject({ x: z.number(), y: z.number() });
const points = z
  .array(point)
  .min(1)
  .max(ANNOTATION_MAX_POINTS, {
    error: `must have at most ${ANNOTATION_MAX_POINTS} points`,
  });

export const joinSchema = z.strictObject({
  consultationId: uuid,
  /** The highest `seq` this client has applied; 0 on a first join. */
  lastSeq: z.number().int().min(0),
});

export const leaveSchema = z.strictObject({});

export const chatSendSchema = z.strictObject({
  clientMsgId,
  text: z.string().trim().min(1).max(CHAT_MAX_CHARS).refine(hasNoNul, withoutNul),
});

/** The shared view: only the presenter sets it. Pixel coordinates and window/level are in the image's own units. */
export const viewSetSchema = z
  .strictObject({
    clientMsgId,
    studyInstanceUid: dicomUid,
    seriesInstanceUid: dicomUid.optional(),
    sopInstanceUid: dicomUid.optional(),
    /** 1-based, as in DICOMweb frame retrieval. */
    frame: frame.optional(),
    windowCenter: z.number().optional(),
    windowWidth: z.number().positive().optional(),
    zoom: z.number().positive().max(MAX_ZOOM).optional(),
    panX: z.number().optional(),
    panY: z.number().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.sopInstanceUid !== undefined && v.seriesInstanceUid === undefined) {
      ctx.addIssue({ code: 'custom', path: ['seriesInstanceUid'], message: 'is required with sopInstanceUid' });
    }
    if (v.frame !== undefined && v.sopInstanceUid === undefined) {
      ctx.addIssue({ code: 'custom', path: ['sopInstanceUid'], message: 'is required with frame' });
    }
    if ((v.windowCenter === undefined) !== (v.windowWidth === undefined)) {
      const missing = v.windowCenter === undefined ? 'windowCenter' : 'windowWidth';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'windowCenter and windowWidth go together' });
    }
  });

export const presenterHandoverSchema = z.strictObject({ clientMsgId, toUserId: uuid });

const annotationText = z.string().trim().max(ANNOTATION_TEXT_MAX_CHARS).refine(hasNoNul, withoutNul);

export const annotationAddSchema = z
  .strictObject({
    clientMsgId,
    annotationId: uuid,
    sopInstanceUid: dicomUid,
    frame: frame.optional(),
    kind: z.enum(ANNOTATION_KINDS),
    /** Image pixel coordinates (x: column, y: row) of the annotated instance / frame. */
    points,
    text: annotationText.optional(),
  })
  .superRefine((v, ctx) => {
    const min = ANNOTATION_MIN_POINTS[v.kind];
    if (v.points.length > 0 && v.points.length < min) {
      ctx.addIssue({
        code: 'custom',
        path: ['points'],
        message: `${/^[aeiou]/.test(v.kind) ? 'an' : 'a'} ${v.kind} needs at least ${min} points`,
      });
    }
    if (v.kind === 'text' && (v.text === undefined || v.text === '')) {
      ctx.addIssue({ code: 'custom', path: ['text'], message: 'is required for a text annotation' });
    }
  });

export const annotationUpdateSchema = z
  .strictObject({
    clientMsgId,
    annotationId: uuid,
    points: points.optional(),
    /** An empty string clears the text. */
    text: annotationText.optional(),
  })
  .refine((v) => v.points !== undefined || v.text !== undefined, {
    error: 'nothing to update: send points, text or both',
  });

export const annotationDeleteSchema = z.strictObject({ clientMsgId, annotationId: uuid });

export const handRaiseSchema = z.strictObject({ clientMsgId, raised: z.boolean() });

/** The chair's working draft; an empty text clears it. Signing goes over HTTP (`…/:id/conclusion`). */
export const conclusionDraftSchema = z.strictObject({
  clientMsgId,
  text: z.string().max(CONCLUSION_DRAFT_MAX_CHARS).refine(hasNoNul, withoutNul),
});

export const rtcSignalSchema = z.strictObject({
  toUserId: uuid,
  kind: z.enum(RTC_SIGNAL_KINDS),
  /** The SDP or ICE candidate as the browser's RTCPeerConnection gives it; relayed untouched. */
  payload: z.record(z.string(), z.unknown()).refine((p) => serialisedSize(p) <= RTC_SIGNAL_MAX_PAYLOAD_BYTES, {
    error: `must be at most ${RTC_SIGNAL_MAX_PAYLOAD_BYTES / 1024} KB serialised`,
  }),
});

/** Every client→server event and the schema its payload must pass. */
export const MDT_CLIENT_SCHEMAS = {
  join: joinSchema,
  leave: leaveSchema,
  'chat.send': chatSendSchema,
  'view.set': viewSetSchema,
  'presenter.handover': presenterHandoverSchema,
  'annotation.add': annotationAddSchema,
  'annotation.update': annotationUpdateSchema,
  'annotation.delete': annotationDeleteSchema,
  'hand.raise': handRaiseSchema,
  'conclusion.draft': conclusionDraftSchema,
  'rtc.signal': rtcSignalSchema,
} as const;

export type MdtClientEventName = keyof typeof MDT_CLIENT_SCHEMAS;
export const MDT_CLIENT_EVENTS = Object.keys(MDT_CLIENT_SCHEMAS) as MdtClientEventName[];
export type MdtClientPayloads = { [E in MdtClientEventName]: z.output<(typeof MDT_CLIENT_SCHEMAS)[E]> };

export type JoinPayload = MdtClientPayloads['join'];
export type LeavePayload = MdtClientPayloads['leave'];
export type ChatSendPayload = MdtClientPayloads['chat.send'];
export type ViewSetPayload = MdtClientPayloads['view.set'];
export type PresenterHandoverPayload = MdtClientPayloads['presenter.handover'];
export type AnnotationAddPayload = MdtClientPayloads['annotation.add'];
export type AnnotationUpdatePayload = MdtClientPayloads['annotation.update'];
export type AnnotationDeletePayload = MdtClientPayloads['annotation.delete'];
export type HandRaisePayload = MdtClientPayloads['hand.raise'];
export type ConclusionDraftPayload = MdtClientPayloads['conclusion.draft'];
export type RtcSignalPayload = MdtClientPayloads['rtc.signal'];
export type AnnotationPoint = z.output<typeof point>;

// ── Persisted events (server → client as `mdt.event`) ────────────────────────────────────────────────────────────────

export const MDT_EVENT_TYPES = [
  'presence.joined',
  'presence.left',
  'chat.message',
  'view.changed',
  'presenter.changed',
  'annotation.added',
  'annotation.updated',
  'annotation.deleted',
  'hand.raised',
  'conclusion.draft',
] as const;
export type MdtEventType = (typeof MDT_EVENT_TYPES)[number];

/** Which persisted event a client event produces; `null`: relayed, never stored. */
export const PERSISTED_TYPE_OF = {
  join: 'presence.joined',
  leave: 'presence.left',
  'chat.send': 'chat.message',
  'view.set': 'view.changed',
  'presenter.handover': 'presenter.changed',
  'annotation.add': 'annotation.added',
  'annotation.update': 'annotation.updated',
  'annotation.delete': 'annotation.deleted',
  'hand.raise': 'hand.raised',
  'conclusion.draft': 'conclusion.draft',
  'rtc.signal': null,
} as const satisfies Record<MdtClientEventName, MdtEventType | null>;

/** The client events that carry a `clientMsgId` and are stored (de-duplicated on sender + clientMsgId). */
export type MdtPersistedClientEventName = Exclude<MdtClientEventName, 'join' | 'leave' | 'rtc.signal'>;
export const MDT_PERSISTED_CLIENT_EVENTS: readonly MdtPersistedClientEventName[] = [
  'chat.send',
  'view.set',
  'presenter.handover',
  'annotation.add',
  'annotation.update',
  'annotation.delete',
  'hand.raise',
  'conclusion.draft',
];

export const MDT_LEAVE_REASONS = ['left', 'disconnected', 'session_expired', 'removed'] as const;
export type MdtLeaveReason = (typeof MDT_LEAVE_REASONS)[number];

/**
 * The payload of each persisted event. A client-originated event stores the validated client payload as is
 * (`clientMsgId` included, so a sender recognises its own event on replay); presence is written by the hub.
 */
export interface MdtEventPayloads {
  'presence.joined': { role: MdtRole };
  'presence.left': { reason: MdtLeaveReason };
  'chat.message': ChatSendPayload;
  'view.changed': ViewSetPayload;
  /** From a handover (with its clientMsgId), or by the hub (e.g. the presenter left; null: nobody presents). */
  'presenter.changed': { toUserId: string | null; clientMsgId?: string };
  'annotation.added': AnnotationAddPayload;
  'annotation.updated': AnnotationUpdatePayload;
  'annotation.deleted': AnnotationDeletePayload;
  'hand.raised': HandRaisePayload;
  'conclusion.draft': ConclusionDraftPayload;
}

export interface MdtEventOf<T extends MdtEventType> {
  /** Per consultation, from 1, without gaps, in the order every participant sees. */
  seq: number;
  consultationId: string;
  type: T;
  actorUserId: string;
  actorName: string;
  /** ISO 8601 UTC. */
  occurredAt: string;
  payload: MdtEventPayloads[T];
}
export type MdtEvent = { [T in MdtEventType]: MdtEventOf<T> }[MdtEventType];

// ── Acknowledgements and the socket.io maps ─────────────────────────────────────────────────────────────────────────

export const MDT_ERROR_CODES = ['invalid', 'forbidden', 'rate_limited', 'not_joined', 'too_large'] as const;
export type MdtErrorCode = (typeof MDT_ERROR_CODES)[number];
export interface MdtErrorAck {
  ok: false;
  /** In words a person can act on. */
  error: string;
  code: MdtErrorCode;
}
/** The ack of a persisted event: its sequence number (the first one's, for a retried clientMsgId). */
export type MdtAck = { ok: true; seq: number } | MdtErrorAck;
/** The ack of an event that is not stored under its own seq (leave, rtc.signal). */
export type MdtRelayAck = { ok: true } | MdtErrorAck;
/** The events after the client's lastSeq (in seq order), the joiner's role, and who presents now. */
export type MdtJoinAck = { ok: true; events: MdtEvent[]; role: MdtRole; presenterUserId: string | null } | MdtErrorAck;

/** What a participant receives from another over `rtc.signal`. */
export interface RtcSignalDelivery {
  fromUserId: string;
  kind: RtcSignalKind;
  payload: Record<string, unknown>;
}

/** Client → server (socket.io `ClientToServerEvents`): every event takes its payload and an ack callback. */
export interface MdtClientEvents {
  join: (payload: JoinPayload, ack: (res: MdtJoinAck) => void) => void;
  leave: (payload: LeavePayload, ack: (res: MdtRelayAck) => void) => void;
  'chat.send': (payload: ChatSendPayload, ack: (res: MdtAck) => void) => void;
  /** Presenter only; the hub refuses others with `forbidden`. */
  'view.set': (payload: ViewSetPayload, ack: (res: MdtAck) => void) => void;
  'presenter.handover': (payload: PresenterHandoverPayload, ack: (res: MdtAck) => void) => void;
  'annotation.add': (payload: AnnotationAddPayload, ack: (res: MdtAck) => void) => void;
  'annotation.update': (payload: AnnotationUpdatePayload, ack: (res: MdtAck) => void) => void;
  'annotation.delete': (payload: AnnotationDeletePayload, ack: (res: MdtAck) => void) => void;
  'hand.raise': (payload: HandRaisePayload, ack: (res: MdtAck) => void) => void;
  'conclusion.draft': (payload: ConclusionDraftPayload, ack: (res: MdtAck) => void) => void;
  'rtc.signal': (payload: RtcSignalPayload, ack: (res: MdtRelayAck) => void) => void;
}

/** Server → client (socket.io `ServerToClientEvents`). */
export interface MdtServerEvents {
  'mdt.event': (event: MdtEvent) => void;
  'rtc.signal': (signal: RtcSignalDelivery) => void;
  /** The access token ran out; the hub closes the socket next: refresh it and reconnect, then join with lastSeq. */
  'session.expired': (notice: { message: string }) => void;
}

// ── Parsing at the edge ──────────────────────────────────────────────────────────────────────────────────────────────

export type ParseFailureCode = Extract<MdtErrorCode, 'invalid' | 'too_large'>;
export type ParseResult<T> = { ok: true; value: T } | { ok: false; code: ParseFailureCode; error: string };

export function isMdtClientEvent(event: unknown): event is MdtClientEventName {
  return typeof event === 'string' && Object.hasOwn(MDT_CLIENT_SCHEMAS, event);
}

/** UTF-8 bytes of `value` as JSON (0 for undefined); throws if it cannot be serialised (a cycle, a BigInt). */
export function serialisedSize(value: unknown): number {
  const json = JSON.stringify(value) as string | undefined;
  return json === undefined ? 0 : new TextEncoder().encode(json).byteLength;
}

const kb = (bytes: number) => `${Math.ceil(bytes / 1024)} KB`;

const MAX_REPORTED_ISSUES = 5;

/**
 * Validates a client payload for `event`: its serialised size first (`too_large`), then its shape (`invalid`), with an
 * error such as `text: must be at most 2000 characters`. An unknown event is `invalid`. On success `value` is what to
 * store (strings trimmed where the schema says so).
 */
export function parseClientPayload<E extends MdtClientEventName>(
  event: E,
  raw: unknown,
): ParseResult<MdtClientPayloads[E]>;
export function parseClientPayload(event: string, raw: unknown): ParseResult<MdtClientPayloads[MdtClientEventName]>;
export function parseClientPayload(event: string, raw: unknown): ParseResult<unknown> {
  if (!isMdtClientEvent(event)) {
    return { ok: false, code: 'invalid', error: `unknown event "${String(event).slice(0, 64)}"` };
  }
  let size: number;
  try {
    size = serialisedSize(raw);
  } catch {
    return { ok: false, code: 'invalid', error: `${event}: the payload cannot be serialised as JSON` };
  }
  if (size > MDT_MAX_PAYLOAD_BYTES) {
    return {
      ok: false,
      code: 'too_large',
      error: `${event}: the payload is ${kb(size)}; at most ${kb(MDT_MAX_PAYLOAD_BYTES)} is taken`,
    };
  }
  if (event === 'rtc.signal' && isPlainObject(raw) && isPlainObject(raw['payload'])) {
    const inner = serialisedSize(raw['payload']);
    if (inner > RTC_SIGNAL_MAX_PAYLOAD_BYTES) {
      return {
        ok: false,
        code: 'too_large',
        error: `payload: is ${kb(inner)} serialised; at most ${kb(RTC_SIGNAL_MAX_PAYLOAD_BYTES)} is relayed`,
      };
    }
  }
  const result = (MDT_CLIENT_SCHEMAS[event] as z.ZodType).safeParse(raw, { error: humanMessage });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, code: 'invalid', error: describeIssues(event, result.error.issues) };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describeIssues(event: string, issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => {
    const where = formatPath(issue.path);
    if (where === '') {
      return issue.code === 'invalid_type' ? `${event}: the payload must be an object` : `${event}: ${issue.message}`;
    }
    return `${where}: ${issue.message}`;
  });
  const more = issues.length - lines.length;
  return more > 0 ? `${lines.join('; ')}; and ${more} more` : lines.join('; ');
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
};

/** Zod's issues in plain words (the schemas' own messages win over these). */
function humanMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      if (issue.expected === 'number' && typeof issue.input === 'number') return 'must be a finite number';
      return `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    }
    case 'too_big': {
      const max = String(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${max} characters`;
      if (issue.origin === 'array') return `must have at most ${max} items`;
      return issue.inclusive === false ? `must be less than ${max}` : `must be at most ${max}`;
    }
    case 'too_small': {
      const min = String(issue.minimum);
      if (issue.origin === 'string') return min === '1' ? 'must not be empty' : `must be at least ${min} characters`;
      if (issue.origin === 'array') return min === '1' ? 'must not be empty' : `must have at least ${min} items`;
      return issue.inclusive === false ? `must be greater than ${min}` : `must be at least ${min}`;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_format':
      return 'is not in the expected format';
    default:
      return undefined;
  }
}

// ── Permissions that depend on the room, not on the payload's shape ────────────────────────────────────────────────

export interface MdtActor {
  userId: string;
  role: MdtRole;
}

/**
 * Why this participant may not send this (valid) event in the room now, or null: the view belongs to the presenter;
 * the presenter role is handed over by the presenter or the chair, to someone present; the chair drafts the
 * conclusion; a WebRTC signal goes to someone else who is present. The hub answers a refusal with `forbidden`.
 */
export function clientEventRefusal<E extends MdtClientEventName>(
  event: E,
  value: MdtClientPayloads[E],
  actor: MdtActor,
  room: Pick<MdtRoomState, 'presenterUserId' | 'participants'>,
): string | null {
  const present = (userId: string) => room.participants.some((p) => p.userId === userId);
  switch (event) {
    case 'view.set':
      return room.presenterUserId === actor.userId
        ? null
        : 'Only the presenter controls the shared view: ask the presenter to hand it over';
    case 'presenter.handover': {
      if (room.presenterUserId !== actor.userId && actor.role !== 'chair') {
        return 'Only the presenter or the chair hands over the presenter role';
      }
      const { toUserId } = value as PresenterHandoverPayload;
      return present(toUserId) ? null : 'The presenter role goes to someone in the room: they are not here';
    }
    case 'conclusion.draft':
      return actor.role === 'chair' ? null : 'Only the chair drafts the conclusion';
    case 'rtc.signal': {
      const { toUserId } = value as RtcSignalPayload;
      if (toUserId === actor.userId) return 'A WebRTC signal goes to another participant, not to yourself';
      return present(toUserId) ? null : 'That participant is not in the room';
    }
    default:
      return null;
  }
}

// ── The room's state, folded from its events ─────────────────────────────────────────────────────────────────────────

export interface MdtParticipant {
  userId: string;
  name: string;
  role: MdtRole;
  joinedSeq: number;
  joinedAt: string;
}

export interface MdtAnnotation extends Omit<AnnotationAddPayload, 'clientMsgId'> {
  authorUserId: string;
  authorName: string;
  createdSeq: number;
  updatedSeq: number;
}

export interface MdtView extends Omit<ViewSetPayload, 'clientMsgId'> {
  byUserId: string;
  seq: number;
}

export interface MdtConclusionDraft {
  text: string;
  byUserId: string;
  byName: string;
  seq: number;
  at: string;
}

export interface MdtRoomState {
  consultationId: string | null;
  /** The highest seq folded in; events at or below it are skipped, so a replay never applies an event twice. */
  lastSeq: number;
  /** Who is in the room now, in the order they (last) came in. */
  participants: MdtParticipant[];
  /** Changed only by presenter.changed events (the hub writes one when the presenter leaves). */
  presenterUserId: string | null;
  view: MdtView | null;
  /** Current annotations by annotationId; deleted ones are gone. */
  annotations: Record<string, MdtAnnotation>;
  /** User ids with a raised hand, in the order raised; a participant who leaves lowers theirs. */
  raisedHands: string[];
  conclusionDraft: MdtConclusionDraft | null;
}

/** The state before any event (frozen, like every state the fold returns should be treated). */
export const EMPTY_ROOM_STATE: MdtRoomState = Object.freeze({
  consultationId: null,
  lastSeq: 0,
  participants: Object.freeze([]) as unknown as MdtParticipant[],
  presenterUserId: null,
  view: null,
  annotations: Object.freeze({}),
  raisedHands: Object.freeze([]) as unknown as string[],
  conclusionDraft: null,
});

/**
 * Applies one event (a new state; the old one is not changed). An event at or below `lastSeq`, or of another
 * consultation, leaves the state as it is.
 */
export function applyRoomEvent(state: MdtRoomState, event: MdtEvent): MdtRoomState {
  if (event.seq <= state.lastSeq) return state;
  if (state.consultationId !== null && event.consultationId !== state.consultationId) return state;
  const next: MdtRoomState = { ...state, consultationId: event.consultationId, lastSeq: event.seq };
  switch (event.type) {
    case 'presence.joined': {
      const participant: MdtParticipant = {
        userId: event.actorUserId,
        name: event.actorName,
        role: event.payload.role,
        joinedSeq: event.seq,
        joinedAt: event.occurredAt,
      };
      next.participants = [...state.participants.filter((p) => p.userId !== event.actorUserId), participant];
      break;
    }
    case 'presence.left':
      next.participants = state.participants.filter((p) => p.userId !== event.actorUserId);
      next.raisedHands = state.raisedHands.filter((id) => id !== event.actorUserId);
      break;
    case 'chat.message':
      break;
    case 'view.changed': {
      const { clientMsgId: _ignored, ...view } = event.payload;
      next.view = { ...view, byUserId: event.actorUserId, seq: event.seq };
      break;
    }
    case 'presenter.changed':
      next.presenterUserId = event.payload.toUserId;
      break;
    case 'annotation.added': {
      const { clientMsgId: _ignored, ...annotation } = event.payload;
      if (Object.hasOwn(state.annotations, annotation.annotationId)) break; // ids are unique: the first one stands
      next.annotations = {
        ...state.annotations,
        [annotation.annotationId]: {
          ...annotation,
          authorUserId: event.actorUserId,
          authorName: event.actorName,
          createdSeq: event.seq,
          updatedSeq: event.seq,
        },
      };
      break;
    }
    case 'annotation.updated': {
      const { annotationId, points, text } = event.payload;
      const current = Object.hasOwn(state.annotations, annotationId) ? state.annotations[annotationId] : undefined;
      if (!current) break;
      const updated: MdtAnnotation = { ...current, updatedSeq: event.seq };
      if (points !== undefined) updated.points = points;
      if (text !== undefined) {
        if (text === '') delete updated.text;
        else updated.text = text;
      }
      next.annotations = { ...state.annotations, [annotationId]: updated };
      break;
    }
    case 'annotation.deleted': {
      if (!Object.hasOwn(state.annotations, event.payload.annotationId)) break;
      const { [event.payload.annotationId]: _deleted, ...rest } = state.annotations;
      next.annotations = rest;
      break;
    }
    case 'hand.raised': {
      const others = state.raisedHands.filter((id) => id !== event.actorUserId);
      const raisedAlready = others.length !== state.raisedHands.length;
      if (!event.payload.raised) next.raisedHands = others;
      else if (!raisedAlready) next.raisedHands = [...state.raisedHands, event.actorUserId];
      break;
    }
    case 'conclusion.draft':
      next.conclusionDraft = {
        text: event.payload.text,
        byUserId: event.actorUserId,
        byName: event.actorName,
        seq: event.seq,
        at: event.occurredAt,
      };
      break;
  }
  return next;
}

/**
 * The room's current state from its persisted events (any order; duplicates count once), optionally on top of a
 * state already folded (then only events after its lastSeq count). For late joiners, reconnects and tests.
 */
export function reduceRoomState(events: readonly MdtEvent[], from: MdtRoomState = EMPTY_ROOM_STATE): MdtRoomState {
  return [...events].sort((a, b) => a.seq - b.seq).reduce(applyRoomEvent, from);
}
