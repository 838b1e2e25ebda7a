import { type FormEvent, type MouseEvent, useCallback, useEffect, useRef, useState } from 'react';
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
import { num, str } from '../../api/dicom-json';
import { getConsultation } from '../../api/consultations';
import { connectMdt, joinRoom, type MdtSocket, sendStored, type StoredEventName } from '../../api/mdt';
import type { Consultation, DicomJsonDataset } from '../../api/types';
import { LiveBadge } from '../../components/badges';
import { ErrorNote } from '../../components/layout';
import { errorMessage, formatTime } from '../../format';
import { useSession } from '../../session';
import { AvPanel } from './av-panel';
import { ConclusionPanel } from './conclusion-panel';

type ChatLine = MdtEventOf<'chat.message'>;

/** An instance of an attached study that annotations can be placed on (pixel size from QIDO, 512² if unknown). */
interface AnnotatableInstance {
  sopInstanceUid: string;
  label: string;
  rows: number;
  columns: number;
}

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
        <ChatPanel
          lines={chat}
          disabled={!socket || !connected}
          onSend={(text) => socket && send(socket, 'chat.send', { text })}
        />
        <AnnotationPanel
          room={room}
          consultation={consultation}
          disabled={!socket || !connected}
          onAdd={(sopInstanceUid, x, y, text) =>
            socket &&
            send(socket, 'annotation.add', {
              annotationId: crypto.randomUUID(),
              sopInstanceUid,
              kind: 'text',
              points: [{ x, y }],
              text,
            })
          }
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

/**
 * The annotations of the room and a simple way to add one: pick an instance of an attached study, click where on its
 * pixel grid the note belongs, write it. (The shared image viewer that will show the pixels is not built yet.)
 */
function AnnotationPanel(props: {
  room: MdtRoomState;
  consultation: Consultation | null;
  disabled: boolean;
  onAdd: (sopInstanceUid: string, x: number, y: number, text: string) => unknown;
}) {
  const { t } = useTranslation();
  const { api } = useSession();
  const [instances, setInstances] = useState<AnnotatableInstance[]>([]);
  const [chosen, setChosen] = useState<string>('');
  const [point, setPoint] = useState<{ x: number; y: number } | null>(null);
  const [text, setText] = useState('');

  useEffect(() => {
    const studies = (props.consultation?.materials ?? []).flatMap((m) => (m.studyInstanceUid ? [m] : []));
    Promise.all(
      studies.map((m) =>
        api
          .get<DicomJsonDataset[]>(`/dicomweb/studies/${encodeURIComponent(m.studyInstanceUid!)}/instances`, {
            accept: 'application/dicom+json',
          })
          .then((rows) =>
            (rows ?? []).map((ds, i) => ({
              sopInstanceUid: str(ds, '00080018') ?? '',
              label: `${m.description || m.discipline} · #${num(ds, '00200013') ?? i + 1}`,
              rows: num(ds, '00280010') ?? 512,
              columns: num(ds, '00280011') ?? 512,
            })),
          ),
      ),
    ).then(
      (lists) => {
        const all = lists.flat().filter((i) => i.sopInstanceUid);
        setInstances(all);
        setChosen((c) => c || all[0]?.sopInstanceUid || '');
      },
      () => setInstances([]),
    );
  }, [api, props.consultation]);

  const instance = instances.find((i) => i.sopInstanceUid === chosen);
  const annotations = Object.values(props.room.annotations).sort((a, b) => a.createdSeq - b.createdSeq);
  const pick = (e: MouseEvent<SVGSVGElement>) => {
    if (!instance) return;
    const box = e.currentTarget.getBoundingClientRect();
    setPoint({
      x: Math.round(((e.clientX - box.left) / box.width) * instance.columns),
      y: Math.round(((e.clientY - box.top) / box.height) * instance.rows),
    });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!instance || !point || !text.trim()) return;
    void props.onAdd(instance.sopInstanceUid, point.x, point.y, text.trim());
    setText('');
    setPoint(null);
  };

  return (
    <div className="annotations">
      <h2>{t('room.annotations')}</h2>
      <ul data-testid="annotations">
        {annotations.map((a) => (
          <li key={a.annotationId} data-testid="annotation">
            {a.text ?? t(`room.kinds.${a.kind}`)}{' '}
            <span className="muted">
              {a.authorName} · ({a.points[0]?.x}, {a.points[0]?.y})
            </span>
          </li>
        ))}
      </ul>
      {instances.length === 0 ? (
        <p className="muted">{t('room.noImages')}</p>
      ) : (
        <form onSubmit={submit}>
          <select aria-label={t('room.image')} value={chosen} onChange={(e) => setChosen(e.target.value)}>
            {instances.map((i) => (
              <option key={i.sopInstanceUid} value={i.sopInstanceUid}>
                {i.label}
              </option>
            ))}
          </select>
          {instance && (
            <svg
              data-testid="annotation-grid"
              className="annotation-grid"
              viewBox={`0 0 ${instance.columns} ${instance.rows}`}
              onClick={pick}
              role="img"
              aria-label={t('room.pickPoint')}
            >
              <rect width={instance.columns} height={instance.rows} />
              {annotations
                .filter((a) => a.sopInstanceUid === instance.sopInstanceUid)
                .map((a) => (
                  <circle key={a.annotationId} cx={a.points[0]?.x} cy={a.points[0]?.y} r={instance.columns / 60} />
                ))}
              {point && <circle className="picked" cx={point.x} cy={point.y} r={instance.columns / 50} />}
            </svg>
          )}
          <div className="row">
            <input
              aria-label={t('room.annotationText')}
              placeholder={t('room.annotationText')}
              value={text}
              maxLength={1000}
              onChange={(e) => setText(e.target.value)}
            />
            <button type="submit" disabled={props.disabled || !point || !text.trim()}>
              {t('room.addAnnotation')}
            </button>
          </div>
          <p className="muted">{point ? t('room.pointAt', point) : t('room.pickPoint')}</p>
        </form>
      )}
    </div>
  );
}
