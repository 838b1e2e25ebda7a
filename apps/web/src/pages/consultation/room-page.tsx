import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import {
  applyRoomEvent,
  EMPTY_ROOM_STATE,
  type MdtEvent,
  type MdtClientPayloads,
  type MdtEventOf,
  type MdtRoomState,
} from '@hub/contracts';
import { getConsultation } from '../../api/consultations';
import { connectMdt, joinRoom, type MdtSocket, sendStored, type StoredEventName } from '../../api/mdt';
import type { Consultation } from '../../api/types';
import { LiveBadge } from '../../components/badges';
import { ErrorNote } from '../../components/layout';
import { errorMessage, formatTime } from '../../format';
import { useSession } from '../../session';
import { AvPanel } from './av-panel';
import { ConclusionPanel } from './conclusion-panel';
import { RoomImagePanel } from './room-image-panel';
import type { RoomSend } from './room-send';

type ChatLine = MdtEventOf<'chat.message'>;

/**
 * The live MDT room: who is here (presenter, raised hands), the chat, the annotations on the attached images; every
 * change goes through the hub's log (/mdt), so a reconnect replays what was missed from the last seq seen.
 */
export function RoomPage() {
  const { t } = useTranslation();
  const { consultationId = '' } = useParams();
  const { api, me } = useSession();
  const [consultation, setConsultation] = useState<Consultation | null>(null);
  const [room, setRoom] = useState<MdtRoomState>(EMPTY_ROOM_STATE);
  const [chat, setChat] = useState<ChatLine[]>([]);
  const [connected, setConnected] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const socketRef = useRef<MdtSocket | null>(null);
  const roomRef = useRef(room);
  roomRef.current = room;

  /** Folds events in seq order; the fold skips what it has seen, so replays and live copies are harmless. */
  const apply = useCallback((events: readonly MdtEvent[]) => {
    const sorted = [...events].sort((a, b) => a.seq - b.seq);
    const fresh = sorted.filter((e) => e.seq > roomRef.current.lastSeq);
    if (fresh.length === 0) return;
    roomRef.current = fresh.reduce(applyRoomEvent, roomRef.current);
    setRoom(roomRef.current);
    const lines = fresh.filter((e): e is ChatLine => e.type === 'chat.message');
    if (lines.length) setChat((before) => [...before, ...lines]);
  }, []);

  useEffect(() => {
    getConsultation(api, consultationId).then(setConsultation, (err: unknown) => setError(errorMessage(err)));
  }, [api, consultationId]);

  useEffect(() => {
    if (!me) return;
    const socket = connectMdt(() => api.freshAccessToken());
    socketRef.current = socket;
    // Live events that arrive while the join's replay is on its way wait for it.
    let joined = false;
    let early: MdtEvent[] = [];
    socket.on('mdt.event', (event) => {
      if (joined) apply([event]);
      else early.push(event);
    });
    socket.on('connect', () => {
      joined = false;
      joinRoom(socket, consultationId, roomRef.current.lastSeq).then(
        (ack) => {
          if (!ack.ok) return setError(ack.error);
          apply([...ack.events, ...early]);
          early = [];
          joined = true;
          setConnected(true);
          setError(null);
        },
        (err: unknown) => setError(errorMessage(err)),
      );
    });
    socket.on('disconnect', () => setConnected(false));
    return () => {
      socket.disconnect();
      socketRef.current = null;
    };
  }, [api, me, consultationId, apply]);

  const send = useCallback(
    async <E extends StoredEventName>(
      socket: MdtSocket,
      event: E,
      payload: Omit<MdtClientPayloads[E], 'clientMsgId'>,
    ) => {
      try {
        const ack = await sendStored(socket, event, payload);
        if (!ack.ok) setError(ack.error);
      } catch (err) {
        setError(errorMessage(err));
      }
    },
    [],
  );
  const socket = socketRef.current;
  const roomSend: RoomSend | null = socket && connected ? (event, payload) => send(socket, event, payload) : null;
  const myHandUp = me ? room.raisedHands.includes(me.id) : false;

  return (
    <section className="room">
      <header className="room-head">
        <h1>
          {t('room.heading')} <LiveBadge connected={connected} />
        </h1>
        {consultation && (
          <p>
            <strong>{consultation.question}</strong> <span className="muted">{consultation.caseSummary}</span>
          </p>
        )}
      </header>
      <ErrorNote error={error} />
      {room.closed && (
        <p className="card ok" role="status" data-testid="room-closed">
          {t(`room.closed.${room.closed}`)}
        </p>
      )}
      <AvPanel socket={socket} connected={connected} participants={room.participants} />
      <div className="room-grid">
        <aside>
          <h2>{t('room.participants')}</h2>
          <ul data-testid="participants">
            {room.participants.map((p) => (
              <li key={p.userId} data-testid="participant">
                {p.name} <span className="muted">{t(`room.roles.${p.role}`)}</span>
                {room.presenterUserId === p.userId && <span className="badge">{t('room.presenter')}</span>}
                {room.raisedHands.includes(p.userId) && (
                  <span className="badge hand" title={t('room.handRaised')}>
                    {t('room.handRaised')}
                  </span>
                )}
              </li>
            ))}
          </ul>
          <button
            type="button"
            disabled={!socket || !connected}
            onClick={() => socket && void send(socket, 'hand.raise', { raised: !myHandUp })}
          >
            {myHandUp ? t('room.lowerHand') : t('room.raiseHand')}
          </button>
        </aside>
        <RoomImagePanel room={room} consultation={consultation} meId={me?.id ?? null} send={roomSend} />
        <ChatPanel
          lines={chat}
          disabled={!socket || !connected}
          onSend={(text) => socket && send(socket, 'chat.send', { text })}
        />
      </div>
      <ConclusionPanel
        consultation={consultation}
        room={room}
        socket={socket}
        connected={connected}
        onChange={setConsultation}
      />
    </section>
  );
}

function ChatPanel(props: { lines: ChatLine[]; disabled: boolean; onSend: (text: string) => unknown }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const text = draft.trim();
    if (!text) return;
    setDraft('');
    void props.onSend(text);
  };
  return (
    <div className="chat">
      <h2>{t('room.chat')}</h2>
      <ol data-testid="chat" className="chat-lines">
        {props.lines.map((line) => (
          <li key={line.seq} data-testid="chat-line">
            <span className="muted">
              {line.actorName} · {formatTime(line.occurredAt)}
            </span>
            <div>{line.payload.text}</div>
          </li>
        ))}
      </ol>
      <form onSubmit={submit} className="row">
        <input
          aria-label={t('room.message')}
          value={draft}
          maxLength={2000}
          onChange={(e) => setDraft(e.target.value)}
          placeholder={t('room.message')}
        />
        <button type="submit" disabled={props.disabled}>
          {t('room.send')}
        </button>
      </form>
    </div>
  );
}
