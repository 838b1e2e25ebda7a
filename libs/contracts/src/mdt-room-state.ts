import type { AnnotationAddPayload, MdtEvent, MdtRole, ViewSetPayload } from './mdt.js';

/**
 * The state of a live MDT room, folded from its persisted events in seq order: who is here, who presents, the shared
 * view, the annotations, raised hands, the conclusion draft. The hub checks events against it; clients show it.
 * Pure, no I/O.
 */

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

export interface MdtConclusionSignature {
  signedAt: string;
  hash: string;
  byUserId: string;
  byName: string;
  seq: number;
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
  /** Set once the chair has signed; drafts after it cannot exist (the hub refuses them). */
  conclusionSigned: MdtConclusionSignature | null;
  /** How the consultation ended, once it has: the room takes no more events. */
  closed: 'concluded' | 'cancelled' | null;
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
  conclusionSigned: null,
  closed: null,
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
    case 'conclusion.signed':
      next.conclusionSigned = {
        ...event.payload,
        byUserId: event.actorUserId,
        byName: event.actorName,
        seq: event.seq,
      };
      break;
    case 'room.closed':
      next.closed = event.payload.state;
      next.raisedHands = [];
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
