import { type FormEvent, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MdtRoomState, ViewSetPayload } from '@hub/contracts';
import type { Consultation } from '../../api/types';
import type { ImageMark } from '../../viewer/annotation-overlay';
import { LazyStudyViewer } from '../../viewer/lazy-viewer';
import type { ViewerState } from '../../viewer/study-viewer';
import { PresenterBar } from './presenter-bar';
import type { RoomSend } from './room-send';
import { useThrottled } from './use-throttled';
import './room-images.css';

/** view.set at most every 150 ms while the presenter drags or scrolls (the hub allows 20 events/s per socket). */
const VIEW_SEND_MS = 150;
const MAX_ZOOM = 100;

interface Picked {
  sopInstanceUid: string;
  frame: number;
  x: number;
  y: number;
}

function viewPayload(studyInstanceUid: string, s: ViewerState): Omit<ViewSetPayload, 'clientMsgId'> {
  const windowed = s.windowCenter !== null && s.windowWidth !== null && s.windowWidth > 0;
  return {
    studyInstanceUid,
    seriesInstanceUid: s.seriesInstanceUid,
    sopInstanceUid: s.sopInstanceUid,
    frame: s.frame,
    ...(windowed ? { windowCenter: s.windowCenter!, windowWidth: s.windowWidth! } : {}),
    zoom: Math.min(MAX_ZOOM, Math.max(0.01, s.zoom)),
    panX: s.panX,
    panY: s.panY,
  };
}

/**
 * The room's shared image: the attached imaging study in the viewer. The presenter's view (series, image, frame,
 * window/level, zoom, pan) goes out as view.set and everyone else's viewer follows it; annotations are drawn on the
 * image at their pixel coordinates, placed by clicking on it.
 */
export function RoomImagePanel(props: {
  room: MdtRoomState;
  consultation: Consultation | null;
  meId: string | null;
  send: RoomSend | null;
}) {
  const { t } = useTranslation();
  const { room, meId, send } = props;
  const studies = (props.consultation?.materials ?? []).filter((m) => m.discipline === 'imaging' && m.studyInstanceUid);
  const [chosen, setChosen] = useState('');
  const [placing, setPlacing] = useState(false);
  const [picked, setPicked] = useState<Picked | null>(null);
  const [text, setText] = useState('');
  const lastState = useRef<ViewerState | null>(null);

  const iPresent = meId !== null && room.presenterUserId === meId;
  const follow = room.presenterUserId !== null && !iPresent ? room.view : null;
  const studyUid = follow?.studyInstanceUid ?? (chosen || studies[0]?.studyInstanceUid || '');

  const sendView = useThrottled((s: ViewerState) => void send?.('view.set', viewPayload(studyUid, s)), VIEW_SEND_MS);
  const onViewChange = (s: ViewerState) => {
    lastState.current = s;
    if (iPresent) sendView(s);
  };
  // Whoever becomes presenter shows the others where they are at once.
  useEffect(() => {
    if (iPresent && lastState.current) sendView(lastState.current);
  }, [iPresent, sendView]);

  const annotations = useMemo(
    () => Object.values(room.annotations).sort((a, b) => a.createdSeq - b.createdSeq),
    [room.annotations],
  );
  const marks = useMemo<ImageMark[]>(() => {
    const shown: ImageMark[] = annotations.map((a) => ({
      id: a.annotationId,
      sopInstanceUid: a.sopInstanceUid,
      frame: a.frame,
      points: a.points,
      label: a.text,
    }));
    if (picked) shown.push({ id: 'picked', ...picked, points: [picked], pending: true });
    return shown;
  }, [annotations, picked]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!send || !picked || !text.trim()) return;
    void send('annotation.add', {
      annotationId: crypto.randomUUID(),
      sopInstanceUid: picked.sopInstanceUid,
      frame: picked.frame,
      kind: 'text',
      points: [{ x: picked.x, y: picked.y }],
      text: text.trim(),
    });
    setText('');
    setPicked(null);
    setPlacing(false);
  };

  if (studies.length === 0 && !follow) return <p className="muted room-images">{t('sharedView.noStudy')}</p>;
  return (
    <div className="room-images">
      <div className="row room-images-head">
        <h2>{t('sharedView.heading')}</h2>
        {studies.length > 1 && !follow && (
          <select aria-label={t('sharedView.chooseImage')} value={studyUid} onChange={(e) => setChosen(e.target.value)}>
            {studies.map((m) => (
              <option key={m.studyId} value={m.studyInstanceUid!}>
                {m.description || m.examCode || m.studyDate || m.studyInstanceUid}
              </option>
            ))}
          </select>
        )}
      </div>
      <PresenterBar room={room} meId={meId} send={send} />
      <Suspense fallback={<p>{t('common.loading')}</p>}>
        <LazyStudyViewer
          key={studyUid}
          studyInstanceUid={studyUid}
          follow={follow}
          onViewChange={onViewChange}
          marks={marks}
          onPick={placing ? (sopInstanceUid, frame, p) => setPicked({ sopInstanceUid, frame, ...p }) : undefined}
        />
      </Suspense>
      <form onSubmit={submit} className="row room-annotate">
        <button type="button" className="secondary" onClick={() => (setPlacing(!placing), setPicked(null))}>
          {placing ? t('sharedView.cancelPlace') : t('sharedView.place')}
        </button>
        <input
          aria-label={t('room.annotationText')}
          placeholder={
            picked
              ? t('room.pointAt', { x: picked.x, y: picked.y })
              : placing
                ? t('sharedView.placing')
                : t('room.annotationText')
          }
          value={text}
          maxLength={1000}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" disabled={!send || !picked || !text.trim()}>
          {t('room.addAnnotation')}
        </button>
      </form>
      <ul data-testid="annotations" className="room-annotation-list">
        {annotations.map((a) => (
          <li key={a.annotationId} data-testid="annotation">
            {a.text ?? t(`room.kinds.${a.kind}`)}{' '}
            <span className="muted">
              {a.authorName} · ({a.points[0]?.x}, {a.points[0]?.y})
            </span>{' '}
            <button
              type="button"
              className="link"
              disabled={!send}
              onClick={() => void send?.('annotation.delete', { annotationId: a.annotationId })}
            >
              {t('sharedView.delete')}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
