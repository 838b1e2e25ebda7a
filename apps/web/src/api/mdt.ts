import type { Socket } from 'socket.io-client';
import {
  MDT_NAMESPACE,
  type MdtAck,
  type MdtClientEvents,
  type MdtClientPayloads,
  type MdtJoinAck,
  type MdtRelayAck,
  type MdtServerEvents,
  type RtcSignalPayload,
} from '@hub/contracts';
import { connectHubNamespace, type TokenSource } from './events';

export type MdtSocket = Socket<MdtServerEvents, MdtClientEvents>;

/** The stored client events: each carries a clientMsgId, which the client makes (see sendStored). */
export type StoredEventName = Exclude<keyof MdtClientPayloads, 'join' | 'leave' | 'rtc.signal'>;

const ACK_TIMEOUT_MS = 5000;
const SEND_ATTEMPTS = 3;

export function connectMdt(token: TokenSource, baseUrl = ''): MdtSocket {
  return connectHubNamespace<MdtServerEvents, MdtClientEvents>(MDT_NAMESPACE, token, baseUrl);
}

export async function joinRoom(socket: MdtSocket, consultationId: string, lastSeq: number): Promise<MdtJoinAck> {
  return socket.timeout(ACK_TIMEOUT_MS).emitWithAck('join', { consultationId, lastSeq });
}

/**
 * Sends an event the room stores, with a new clientMsgId; an ack that does not come is retried with the same id (the
 * hub stores it once and answers the first seq), up to SEND_ATTEMPTS times.
 */
export async function sendStored<E extends StoredEventName>(
  socket: MdtSocket,
  event: E,
  payload: Omit<MdtClientPayloads[E], 'clientMsgId'>,
): Promise<MdtAck> {
  const full = { ...payload, clientMsgId: crypto.randomUUID() } as MdtClientPayloads[E];
  let lastError: unknown;
  for (let attempt = 0; attempt < SEND_ATTEMPTS; attempt++) {
    try {
      // socket.io's typing of emitWithAck cannot follow a generic event name; the payload type is checked above.
      const timed = socket.timeout(ACK_TIMEOUT_MS);
      const emit = timed.emitWithAck.bind(timed) as (e: E, p: MdtClientPayloads[E]) => Promise<MdtAck>;
      return await emit(event, full);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError instanceof Error ? lastError : new Error('the hub did not answer');
}

const RATE_LIMIT_PAUSE_MS = 600;

/**
 * Relays a WebRTC signal to one participant (not stored). A signal refused for the socket's rate limit (a burst of
 * ICE candidates) is sent once more after a pause; any other refusal comes back as the ack.
 */
export async function relaySignal(socket: MdtSocket, signal: RtcSignalPayload): Promise<MdtRelayAck> {
  const once = () => socket.timeout(ACK_TIMEOUT_MS).emitWithAck('rtc.signal', signal);
  const ack = await once();
  if (ack.ok || ack.code !== 'rate_limited') return ack;
  await new Promise((resolve) => setTimeout(resolve, RATE_LIMIT_PAUSE_MS));
  return once();
}
