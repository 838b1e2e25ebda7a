import { z } from 'zod';
import {
  ANNOTATION_KINDS,
  type AnnotationKind,
  type MdtClientEventName,
  type MdtClientPayloads,
  type MdtErrorCode,
  type MdtEventType,
  type MdtRole,
  type MdtRoomState,
  type PresenterHandoverPayload,
  RTC_SIGNAL_KINDS,
  type RtcSignalPayload,
} from '@hub/contracts';

/** The wire shapes and the room's fold live in @hub/contracts (the browser console imports them from there). */
export {
  ANNOTATION_KINDS,
  type AnnotationAddPayload,
  type AnnotationDeletePayload,
  type AnnotationKind,
  type AnnotationPoint,
  type AnnotationUpdatePayload,
  applyRoomEvent,
  type ChatSendPayload,
  type ConclusionDraftPayload,
  EMPTY_ROOM_STATE,
  type HandRaisePayload,
  type JoinPayload,
  type LeavePayload,
  MDT_ERROR_CODES,
  MDT_EVENT_TYPES,
  MDT_LEAVE_REASONS,
  MDT_NAMESPACE,
  MDT_ROLES,
  type MdtAck,
  type MdtAnnotation,
  type MdtClientEventName,
  type MdtClientEvents,
  type MdtClientPayloads,
  type MdtConclusionDraft,
  type MdtErrorAck,
  type MdtErrorCode,
  type MdtEvent,
  type MdtEventOf,
  type MdtEventPayloads,
  type MdtEventType,
  type MdtJoinAck,
  type MdtLeaveReason,
  type MdtParticipant,
  type MdtRelayAck,
  type MdtRole,
  type MdtRoomState,
  type MdtServerEvents,
  type MdtView,
  type PresenterHandoverPayload,
  reduceRoomState,
  RTC_SIGNAL_KINDS,
  type RtcSignalDelivery,
  type RtcSignalKind,
  type RtcSignalPayload,
  type ViewSetPayload,
} from '@hub/contracts';

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

/** Points each kind needs at least: two ends of an arrow or a length, two corners of an ellipse's box, an anchor. */
export const ANNOTATION_MIN_POINTS: Record<AnnotationKind, number> = {
  arrow: 2,
  ellipse: 2,
  length: 2,
  text: 1,
  polyline: 2,
};

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

export const MDT_CLIENT_EVENTS = Object.keys(MDT_CLIENT_SCHEMAS) as MdtClientEventName[];

/** What the schemas produce is exactly the contract's payloads (a compile error otherwise), event by event. */
type SchemaOutputs = { [E in keyof typeof MDT_CLIENT_SCHEMAS]: z.output<(typeof MDT_CLIENT_SCHEMAS)[E]> };
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemasMatchTheContract: {
  [E in MdtClientEventName | keyof SchemaOutputs]: Same<
    E extends keyof SchemaOutputs ? SchemaOutputs[E] : never,
    E extends MdtClientEventName ? MdtClientPayloads[E] : never
  >;
} = {
  join: true,
  leave: true,
  'chat.send': true,
  'view.set': true,
  'presenter.handover': true,
  'annotation.add': true,
  'annotation.update': true,
  'annotation.delete': true,
  'hand.raise': true,
  'conclusion.draft': true,
  'rtc.signal': true,
};
void schemasMatchTheContract;

// ── Persisted events (server → client as `mdt.event`) ────────────────────────────────────────────────────────────────

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
