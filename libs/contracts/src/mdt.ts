/**
 * The wire shapes of socket.io namespace `/mdt` (one live room per consultation), shared by the hub and its clients
 * (the browser console, test clients). The hub validates every client payload against its schemas in
 * libs/consultation (mdt-events.ts), which are checked at compile time to produce exactly these types.
 * See docs/realtime.md for the protocol.
 */

export const MDT_NAMESPACE = '/mdt';

/** How a participant takes part: the chair leads and signs the conclusion; the requesting side brought the case. */
export const MDT_ROLES = ['chair', 'specialist', 'requester', 'coordinator'] as const;
export type MdtRole = (typeof MDT_ROLES)[number];

export const ANNOTATION_KINDS = ['arrow', 'ellipse', 'length', 'text', 'polyline'] as const;
export type AnnotationKind = (typeof ANNOTATION_KINDS)[number];

export const RTC_SIGNAL_KINDS = ['offer', 'answer', 'ice'] as const;
export type RtcSignalKind = (typeof RTC_SIGNAL_KINDS)[number];

// ── Client → server payloads ─────────────────────────────────────────────────────────────────────────────────────

export interface JoinPayload {
  consultationId: string;
  /** The highest `seq` this client has applied; 0 on a first join. */
  lastSeq: number;
}
export type LeavePayload = Record<string, never>;
export interface ChatSendPayload {
  clientMsgId: string;
  text: string;
}
/** The shared view: only the presenter sets it. Pixel coordinates and window/level are in the image's own units. */
export interface ViewSetPayload {
  clientMsgId: string;
  studyInstanceUid: string;
  seriesInstanceUid?: string | undefined;
  sopInstanceUid?: string | undefined;
  /** 1-based, as in DICOMweb frame retrieval. */
  frame?: number | undefined;
  windowCenter?: number | undefined;
  windowWidth?: number | undefined;
  zoom?: number | undefined;
  panX?: number | undefined;
  panY?: number | undefined;
}
export interface PresenterHandoverPayload {
  clientMsgId: string;
  toUserId: string;
}
/** Image pixel coordinates (x: column, y: row) of the annotated instance / frame. */
export interface AnnotationPoint {
  x: number;
  y: number;
}
export interface AnnotationAddPayload {
  clientMsgId: string;
  annotationId: string;
  sopInstanceUid: string;
  frame?: number | undefined;
  kind: AnnotationKind;
  points: AnnotationPoint[];
  text?: string | undefined;
}
export interface AnnotationUpdatePayload {
  clientMsgId: string;
  annotationId: string;
  points?: AnnotationPoint[] | undefined;
  /** An empty string clears the text. */
  text?: string | undefined;
}
export interface AnnotationDeletePayload {
  clientMsgId: string;
  annotationId: string;
}
export interface HandRaisePayload {
  clientMsgId: string;
  raised: boolean;
}
/** The chair's working draft; an empty text clears it. Signing goes over HTTP (`…/:id/conclusion/sign`). */
export interface ConclusionDraftPayload {
  clientMsgId: string;
  text: string;
}
export interface RtcSignalPayload {
  toUserId: string;
  kind: RtcSignalKind;
  /** The SDP or ICE candidate as the browser's RTCPeerConnection gives it; relayed untouched. */
  payload: Record<string, unknown>;
}

/** Every client → server event and its payload. */
export interface MdtClientPayloads {
  join: JoinPayload;
  leave: LeavePayload;
  'chat.send': ChatSendPayload;
  'view.set': ViewSetPayload;
  'presenter.handover': PresenterHandoverPayload;
  'annotation.add': AnnotationAddPayload;
  'annotation.update': AnnotationUpdatePayload;
  'annotation.delete': AnnotationDeletePayload;
  'hand.raise': HandRaisePayload;
  'conclusion.draft': ConclusionDraftPayload;
  'rtc.signal': RtcSignalPayload;
}
export type MdtClientEventName = keyof MdtClientPayloads;

// ── Persisted events (server → client as `mdt.event`) ──────────────────────────────────────────────────────────────

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
  'conclusion.signed',
  'room.closed',
] as const;
export type MdtEventType = (typeof MDT_EVENT_TYPES)[number];

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
  /** Written by the hub when the chair signs over HTTP: the conclusion is final from this seq on. */
  'conclusion.signed': { signedAt: string; hash: string };
  /** Written by the hub when the consultation ends or is cancelled: the room takes no more events. */
  'room.closed': { state: 'concluded' | 'cancelled' };
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
