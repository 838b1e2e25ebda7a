import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Types } from '@cornerstonejs/core';
import type { ViewSetPayload } from '@hub/contracts';
import { ErrorNote } from '../components/layout';
import { errorMessage } from '../format';
import { useSession } from '../session';
import { AnnotationOverlay, type ImageMark } from './annotation-overlay';
import { loadStudySeries, type SeriesStack } from './dicomweb-series';
import { InstanceSource } from './instance-source';
import { type PrimaryTool, StackController, type StackView } from './stack-controller';
import { ViewerToolbar, WINDOW_PRESETS } from './viewer-toolbar';
import './viewer.css';

/** What is on screen, with its series. */
export interface ViewerState extends StackView {
  seriesInstanceUid: string;
}

/** A view to go to (e.g. an MDT presenter's, in the room's wire shape): what is absent stays as it is. */
export type ViewTarget = Partial<Omit<ViewSetPayload, 'clientMsgId' | 'studyInstanceUid'>>;

interface Props {
  studyInstanceUid: string;
  /** Followed whenever it changes. */
  follow?: ViewTarget | null;
  /** Each change of what is shown (scroll, window/level, zoom, pan), once per distinct state. */
  onViewChange?: (state: ViewerState) => void;
  marks?: ImageMark[];
  /** While set, a click on the image picks that pixel instead of using the tool. */
  onPick?: ((sopInstanceUid: string, frame: number, point: { x: number; y: number }) => void) | undefined;
}

const indexIn = (s: SeriesStack, target: ViewTarget) =>
  Math.max(
    0,
    s.images.findIndex((r) => r.sopInstanceUid === target.sopInstanceUid && r.frame === (target.frame ?? 1)),
  );

/** A Cornerstone3D stack viewer of one study, read from the hub's DICOMweb with the session's token. */
export function StudyViewer({ studyInstanceUid, follow, onViewChange, marks = [], onPick }: Props) {
  const { t } = useTranslation();
  const { api } = useSession();
  const stageRef = useRef<HTMLDivElement>(null);
  const [controller, setController] = useState<StackController | null>(null);
  const [series, setSeries] = useState<SeriesStack[] | null>(null);
  const [seriesUid, setSeriesUid] = useState('');
  const [view, setView] = useState<StackView | null>(null);
  const [tool, setTool] = useState<PrimaryTool>('windowLevel');
  const [error, setError] = useState<string | null>(null);
  const current = useRef({ seriesUid: '', queue: Promise.resolve() });
  const reported = useRef('');
  const onViewChangeRef = useRef(onViewChange);
  onViewChangeRef.current = onViewChange;

  useEffect(() => {
    const element = stageRef.current;
    if (!element) return;
    const c = new StackController(element);
    setController(c);
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(element);
    const wheel = (e: WheelEvent) => {
      e.preventDefault();
      void c.step(Math.sign(e.deltaY));
    };
    element.addEventListener('wheel', wheel, { passive: false });
    const off = c.onRendered(() => setView(c.view()));
    return () => {
      off();
      element.removeEventListener('wheel', wheel);
      resize.disconnect();
      c.destroy();
      setController(null);
    };
  }, []);

  useEffect(() => {
    let current = true; // an answer for a study no longer shown is dropped
    setSeries(null);
    setError(null);
    loadStudySeries(api, studyInstanceUid).then(
      (loaded) => current && setSeries(loaded),
      (err: unknown) => current && setError(errorMessage(err)),
    );
    return () => {
      current = false;
    };
  }, [api, studyInstanceUid]);

  /** Opens, scrolls and sets the view one step after another, so a late answer never undoes a newer step. */
  const enqueue = useCallback((step: () => Promise<void>) => {
    const next = current.current.queue.then(step).catch((err: unknown) => setError(errorMessage(err)));
    current.current.queue = next;
    return next;
  }, []);

  const open = useCallback(
    async (uid: string, index: number) => {
      const s = series?.find((x) => x.seriesInstanceUid === uid);
      if (!controller || !s) return;
      current.current.seriesUid = uid;
      setSeriesUid(uid);
      await controller.show(new InstanceSource(api, studyInstanceUid, uid), s.images, index);
    },
    [api, controller, series, studyInstanceUid],
  );

  // The first series when the series or the viewport arrive, unless a followed view names another.
  useEffect(() => {
    const first = series?.[0];
    if (first && controller && !follow?.seriesInstanceUid) void enqueue(() => open(first.seriesInstanceUid, 0));
  }, [series, controller]);

  useEffect(() => {
    if (!follow || !controller || !series) return;
    void enqueue(async () => {
      const uid = follow.seriesInstanceUid ?? current.current.seriesUid;
      const s = series.find((x) => x.seriesInstanceUid === uid);
      if (!s) return;
      if (uid !== current.current.seriesUid) await open(uid, indexIn(s, follow));
      else if (follow.sopInstanceUid) await controller.go(indexIn(s, follow));
      if (follow.windowCenter !== undefined && follow.windowWidth !== undefined) {
        controller.setWindow(follow.windowCenter, follow.windowWidth);
      }
      if (follow.zoom !== undefined) controller.setZoomPan(follow.zoom, follow.panX ?? 0, follow.panY ?? 0);
    });
  }, [follow, controller, series, open, enqueue]);

  useEffect(() => {
    if (!view || !seriesUid) return;
    const state: ViewerState = { ...view, seriesInstanceUid: seriesUid };
    const key = JSON.stringify(state);
    if (key === reported.current) return;
    reported.current = key;
    onViewChangeRef.current?.(state);
  }, [view, seriesUid]);

  const locate = (mark: ImageMark): Types.Point2 | null => {
    const p = mark.points[0];
    if (!controller || !view || !p) return null;
    if (mark.sopInstanceUid !== view.sopInstanceUid || (mark.frame ?? 1) !== view.frame) return null;
    return controller.imageToCanvas([p.x, p.y]);
  };
  const pick = (at: Types.Point2) => {
    const px = controller?.canvasToImage(at);
    if (px && view && onPick) onPick(view.sopInstanceUid, view.frame, { x: Math.round(px[0]), y: Math.round(px[1]) });
  };

  return (
    <div
      className="study-viewer"
      data-testid="study-viewer"
      data-index={view?.index}
      data-count={view?.count}
      data-zoom={view?.zoom}
      data-pan={view ? `${view.panX},${view.panY}` : undefined}
      data-window-width={view?.windowWidth ?? undefined}
      data-window-center={view?.windowCenter ?? undefined}
    >
      {series && series.length > 1 && (
        <select
          aria-label={t('viewer.series')}
          value={seriesUid}
          onChange={(e) => void enqueue(() => open(e.target.value, 0))}
        >
          {series.map((s) => (
            <option key={s.seriesInstanceUid} value={s.seriesInstanceUid}>
              {t('viewer.seriesLabel', {
                number: s.seriesNumber ?? '—',
                modality: s.modality ?? '',
                description: s.description ?? '',
                count: s.images.length,
              })}
            </option>
          ))}
        </select>
      )}
      <ViewerToolbar
        view={view}
        tool={tool}
        onTool={(name) => {
          controller?.setPrimaryTool(name);
          setTool(name);
        }}
        onGo={(i) => void enqueue(async () => controller?.go(i))}
        onPreset={(p) => controller?.setWindow(WINDOW_PRESETS[p].windowCenter, WINDOW_PRESETS[p].windowWidth)}
        onReset={() => controller?.reset()}
      />
      <div className="viewer-stage-wrap" onContextMenu={(e) => e.preventDefault()}>
        <div className="viewer-stage" ref={stageRef} data-testid="viewer-stage" />
        <AnnotationOverlay marks={marks} locate={locate} onPick={onPick ? pick : undefined} />
        {view && (
          <span className="viewer-info" data-testid="viewer-info">
            {t('viewer.info', {
              ww: view.windowWidth !== null ? Math.round(view.windowWidth) : '—',
              wc: view.windowCenter !== null ? Math.round(view.windowCenter) : '—',
              zoom: view.zoom.toFixed(2),
            })}
          </span>
        )}
        {series && series.length === 0 && <p className="viewer-empty">{t('viewer.noImages')}</p>}
      </div>
      <p className="muted viewer-hint">{t('viewer.hint')}</p>
      <ErrorNote error={error} />
    </div>
  );
}
