import { Enums, RenderingEngine, type StackViewport, type Types, utilities as csUtils } from '@cornerstonejs/core';
import {
  Enums as ToolEnums,
  LengthTool,
  PanTool,
  ToolGroupManager,
  WindowLevelTool,
  ZoomTool,
  type Types as ToolTypes,
} from '@cornerstonejs/tools';
import { startCornerstone } from './cornerstone';
import type { ImageRef } from './dicomweb-series';
import type { InstanceSource } from './instance-source';

export const PRIMARY_TOOLS = {
  windowLevel: WindowLevelTool.toolName,
  zoom: ZoomTool.toolName,
  pan: PanTool.toolName,
  length: LengthTool.toolName,
} as const;
export type PrimaryTool = keyof typeof PRIMARY_TOOLS;

/**
 * What the viewer shows, in units that mean the same on every screen: window/level in the image's own units (HU for
 * CT), zoom relative to the image fitted to the viewport, pan as the image pixel (column, row) at the viewport's centre
 * minus the image's centre.
 */
export interface StackView {
  index: number;
  count: number;
  sopInstanceUid: string;
  frame: number;
  windowCenter: number | null;
  windowWidth: number | null;
  zoom: number;
  panX: number;
  panY: number;
}

const round = (v: number, step: number) => Math.round(v / step) * step;

/**
 * One Cornerstone3D stack viewport on a DOM element, driven by index (not by the stack scroll tool), so that an
 * instance is always fetched before the viewport asks for its pixels.
 */
export class StackController {
  private readonly engine: RenderingEngine;
  private readonly viewportId = 'stack';
  private readonly toolGroupId = `viewer-${crypto.randomUUID()}`;
  private readonly toolGroup: ToolTypes.IToolGroup;
  private source: InstanceSource | null = null;
  private images: ImageRef[] = [];
  private wanted = 0;
  private primary: PrimaryTool = 'windowLevel';

  constructor(private readonly element: HTMLDivElement) {
    startCornerstone();
    this.engine = new RenderingEngine(`engine-${crypto.randomUUID()}`);
    this.engine.enableElement({ viewportId: this.viewportId, element, type: Enums.ViewportType.STACK });
    const group = ToolGroupManager.createToolGroup(this.toolGroupId);
    if (!group) throw new Error('Cornerstone refused to create a tool group');
    this.toolGroup = group;
    for (const name of Object.values(PRIMARY_TOOLS)) group.addTool(name);
    group.addViewport(this.viewportId, this.engine.id);
    const { MouseBindings } = ToolEnums;
    group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }] });
    group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
    this.setPrimaryTool('windowLevel');
  }

  private get viewport(): StackViewport {
    return this.engine.getViewport(this.viewportId) as StackViewport;
  }

  /** Shows a series from `index` on. */
  async show(source: InstanceSource, images: ImageRef[], index = 0): Promise<void> {
    if (this.source !== source) this.source?.dispose();
    this.source = source;
    this.images = images;
    const at = this.clamp(index);
    this.wanted = at;
    await source.ensure(images[at]!);
    if (this.source !== source) return; // another series was chosen meanwhile
    await this.viewport.setStack(
      images.map((ref) => source.imageId(ref)),
      at,
    );
    this.viewport.render();
    this.prefetchAround(at);
  }

  /** Goes to image `index` (clamped); a later call wins over one still fetching. */
  async go(index: number): Promise<void> {
    const source = this.source;
    if (!source || this.images.length === 0) return;
    const at = this.clamp(index);
    this.wanted = at;
    await source.ensure(this.images[at]!);
    if (this.wanted !== at || this.source !== source) return;
    if (this.viewport.getCurrentImageIdIndex() !== at) await this.viewport.setImageIdIndex(at);
    this.prefetchAround(at);
  }

  step(delta: number): Promise<void> {
    return this.go(this.wanted + delta);
  }

  /** The image that `sopInstanceUid` / `frame` names in the current series, if it is there. */
  indexOf(sopInstanceUid: string, frame = 1): number {
    return this.images.findIndex((r) => r.sopInstanceUid === sopInstanceUid && r.frame === frame);
  }

  setWindow(center: number, width: number): void {
    this.viewport.setProperties({ voiRange: csUtils.windowLevel.toLowHighRange(width, center) });
    this.viewport.render();
  }

  /** Zoom and pan as StackView defines them. */
  setZoomPan(zoom: number, panX: number, panY: number): void {
    const viewport = this.viewport;
    const ref = this.images[viewport.getCurrentImageIdIndex()];
    if (!ref) return;
    const now = this.fitZoom(ref);
    if (now) viewport.setZoom((viewport.getZoom() * zoom) / now);
    const imageId = viewport.getCurrentImageId();
    const target = csUtils.imageToWorldCoords(imageId, [
      ((ref.columns ?? 0) - 1) / 2 + panX,
      ((ref.rows ?? 0) - 1) / 2 + panY,
    ]);
    const centre = viewport.canvasToWorld(this.canvasCentre());
    if (!target) return;
    const camera = viewport.getCamera();
    const shift = (p: Types.Point3 | undefined): Types.Point3 | undefined =>
      p && [p[0] + target[0] - centre[0], p[1] + target[1] - centre[1], p[2] + target[2] - centre[2]];
    viewport.setCamera({ focalPoint: shift(camera.focalPoint), position: shift(camera.position) });
    viewport.render();
  }

  reset(): void {
    const viewport = this.viewport;
    viewport.resetProperties();
    viewport.resetCamera();
    viewport.render();
  }

  setPrimaryTool(tool: PrimaryTool): void {
    const group = this.toolGroup;
    group.setToolPassive(PRIMARY_TOOLS[this.primary]);
    this.primary = tool;
    group.setToolActive(PRIMARY_TOOLS[tool], { bindings: [{ mouseButton: ToolEnums.MouseBindings.Primary }] });
  }

  /** What is on screen now, or null before the first image is drawn. */
  view(): StackView | null {
    const viewport = this.viewport;
    const index = viewport.getCurrentImageIdIndex();
    const ref = this.images[index];
    if (!ref || !viewport.getCornerstoneImage()) return null;
    const voi = viewport.getProperties().voiRange;
    const wl = voi && csUtils.windowLevel.toWindowLevel(voi.lower, voi.upper);
    const centre = this.canvasToImage(this.canvasCentre());
    return {
      index,
      count: this.images.length,
      sopInstanceUid: ref.sopInstanceUid,
      frame: ref.frame,
      windowCenter: wl ? round(wl.windowCenter, 0.01) : null,
      windowWidth: wl ? round(wl.windowWidth, 0.01) : null,
      zoom: round(this.fitZoom(ref) ?? 1, 0.001),
      panX: centre ? round(centre[0] - ((ref.columns ?? 0) - 1) / 2, 0.1) : 0,
      panY: centre ? round(centre[1] - ((ref.rows ?? 0) - 1) / 2, 0.1) : 0,
    };
  }

  /** Image pixel (column, row) under a point of the element (CSS pixels from its top left). */
  canvasToImage(point: Types.Point2): Types.Point2 | null {
    const viewport = this.viewport;
    const imageId = viewport.getCurrentImageId();
    return (imageId && csUtils.worldToImageCoords(imageId, viewport.canvasToWorld(point))) || null;
  }

  /** Where an image pixel (column, row) is on the element, in CSS pixels from its top left. */
  imageToCanvas(point: Types.Point2): Types.Point2 | null {
    const viewport = this.viewport;
    const imageId = viewport.getCurrentImageId();
    const world = imageId ? csUtils.imageToWorldCoords(imageId, point) : undefined;
    return world ? viewport.worldToCanvas(world) : null;
  }

  /** Calls `listener` after every render (new image, window/level, zoom, pan, resize); returns the unsubscribe. */
  onRendered(listener: () => void): () => void {
    this.element.addEventListener(Enums.Events.IMAGE_RENDERED, listener);
    return () => this.element.removeEventListener(Enums.Events.IMAGE_RENDERED, listener);
  }

  resize(): void {
    this.engine.resize(true, true);
  }

  destroy(): void {
    ToolGroupManager.destroyToolGroup(this.toolGroupId);
    this.engine.destroy();
    this.source?.dispose();
    this.source = null;
  }

  /**
   * Zoom relative to the image fitted to the element (1: it just fits). Cornerstone's own zoom means that on the GPU
   * path but is canvas pixels per image pixel on the CPU path, so it is measured here from where the corners land.
   */
  private fitZoom(ref: ImageRef): number | null {
    const origin = this.imageToCanvas([0, 0]);
    const right = this.imageToCanvas([ref.columns ?? 0, 0]);
    const down = this.imageToCanvas([0, ref.rows ?? 0]);
    const { clientWidth, clientHeight } = this.element;
    if (!origin || !right || !down || !clientWidth || !clientHeight) return null;
    const width = Math.hypot(right[0] - origin[0], right[1] - origin[1]);
    const height = Math.hypot(down[0] - origin[0], down[1] - origin[1]);
    return Math.max(width / clientWidth, height / clientHeight) || null;
  }

  private canvasCentre(): Types.Point2 {
    return [this.element.clientWidth / 2, this.element.clientHeight / 2];
  }

  private clamp(index: number): number {
    return Math.min(Math.max(0, Math.round(index)), Math.max(0, this.images.length - 1));
  }

  /** The neighbours are fetched in the background, so scrolling one step rarely waits. */
  private prefetchAround(index: number): void {
    for (const i of [index + 1, index - 1]) {
      const ref = this.images[i];
      if (ref) this.source?.ensure(ref).catch(() => undefined);
    }
  }
}
