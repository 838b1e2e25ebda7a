import type { MdtClientPayloads } from '@hub/contracts';
import type { StoredEventName } from '../../api/mdt';

/** Sends a stored room event (the room page adds the clientMsgId and reports refusals); null while disconnected. */
export type RoomSend = <E extends StoredEventName>(
  event: E,
  payload: Omit<MdtClientPayloads[E], 'clientMsgId'>,
) => Promise<unknown>;
