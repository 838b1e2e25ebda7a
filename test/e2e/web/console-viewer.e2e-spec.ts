import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Locator, Page } from 'playwright-core';
import request from 'supertest';
import { dicomFixture } from '../../fixtures/dicom-fixtures.js';
import { launchChromium } from '../../support/chromium.js';
import { type ConsultationFixture, openConsultation } from '../../support/consultations.js';
import { ctSeriesFromFixture } from '../../support/ct-series.js';
import { multipartRelated, stowContentType } from '../../support/dicomweb.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { baseUrlOf, startTestApp, type TestApp } from '../../support/test-app.js';
import { CONSOLE_SHOTS, logInToConsole, saveScreenshot as shot } from '../../support/web-console.js';
import { ensureWebBuild } from '../../support/web-build.js';

const SLICES = 5;
const LIVE_MS = 20_000;

interface CanvasStats {
  min: number;
  max: number;
  mean: number;
  /** A hash of the red channel: equal hashes, the same picture. */
  hash: number;
}

/** The part of HTMLCanvasElement read here (the tests' tsconfig has no DOM types). */
interface Canvas2d {
  width: number;
  height: number;
  getContext(
    kind: '2d',
  ): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}

/** Reads back what Cornerstone drew on the viewer's canvas. */
function canvasStats(viewer: Locator): Promise<CanvasStats> {
  return viewer
    .getByTestId('viewer-stage')
    .locator('canvas')
    .first()
    .evaluate((element) => {
      const canvas = element as unknown as Canvas2d;
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('the viewer canvas has no 2D context');
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let min = 255;
      let max = 0;
      let hash = 0;
      let sum = 0;
      for (let i = 0; i < data.length; i += 4) {
        const v = data[i]!;
        sum += v;
        if (v < min) min = v;
        if (v > max) max = v;
        hash = (Math.imul(hash, 31) + v) >>> 0;
      }
      return { min, max, hash, mean: sum / (data.length / 4) };
    });
}

/** The mean red value of each cell of an n × n grid over the viewer's canvas, row by row: a coarse picture. */
function canvasGrid(viewer: Locator, n = 8): Promise<number[]> {
  return viewer
    .getByTestId('viewer-stage')
    .locator('canvas')
    .first()
    .evaluate((element, n) => {
      const canvas = element as unknown as Canvas2d;
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('the viewer canvas has no 2D context');
      const { width, height } = canvas;
      const { data } = ctx.getImageData(0, 0, width, height);
      const sums = new Array<number>(n * n).fill(0);
      const counts = new Array<number>(n * n).fill(0);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const cell = Math.floor((y * n) / height) * n + Math.floor((x * n) / width);
          sums[cell]! += data[(y * width + x) * 4]!;
          counts[cell]! += 1;
        }
      }
      return sums.map((sum, i) => sum / Math.max(1, counts[i]!));
    }, n);
}

/** Polls until the canvas shows a picture different from `before` (the viewer draws asynchronously). */
async function nextPicture(viewer: Locator, before: CanvasStats | null): Promise<CanvasStats> {
  let stats: CanvasStats = { min: 0, max: 0, mean: 0, hash: 0 };
  for (let i = 0; i < 100; i++) {
    stats = await canvasStats(viewer);
    if (stats.max > stats.min && stats.hash !== before?.hash) return stats;
    await viewer.page().waitForTimeout(100);
  }
  throw new Error(`the viewer's canvas did not change: ${JSON.stringify(stats)}`);
}

async function drag(page: Page, stage: Locator, from: [number, number], to: [number, number], button?: 'right') {
  const box = (await stage.boundingBox())!;
  await page.mouse.move(box.x + from[0], box.y + from[1]);
  await page.mouse.down(button ? { button } : undefined);
  await page.mouse.move(box.x + to[0], box.y + to[1], { steps: 8 });
  await page.mouse.up(button ? { button } : undefined);
}

/** Polls `read` until `ok` holds (the pages update asynchronously), then answers the value. */
async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = LIVE_MS): Promise<T> {
  const end = Date.now() + ms;
  let value = await read();
  while (!ok(value)) {
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(value)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

/** Page errors and Content Security Policy refusals (e.g. of the codecs' wasm or the tools' cursors), to assert none. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/.test(m.text())) problems.push(m.text());
  });
  return problems;
}

/** Where a drawn mark is on its viewer's stage (CSS pixels from the stage's top left). */
async function markAt(viewer: Locator, mark: Locator): Promise<[number, number]> {
  const stage = (await viewer.getByTestId('viewer-stage').boundingBox())!;
  const circle = (await mark.locator('circle').boundingBox())!;
  return [circle.x + circle.width / 2 - stage.x, circle.y + circle.height / 2 - stage.y];
}

const attr = async (viewer: Locator, name: string) => (await viewer.getAttribute(name)) ?? '';

describe('the web console in Chromium: the Cornerstone3D image viewer, alone and shared in an MDT room', () => {
  let t: TestApp;
  let a: Tenant;
  let browser: Browser;
  let base: string;
  let sopInstanceUids: string[];

  beforeAll(async () => {
    ensureWebBuild();
    await mkdir(CONSOLE_SHOTS, { recursive: true });
    t = await startTestApp();
    a = await createTenant(t);
    base = baseUrlOf(t);
    // Five slices of one CT series, made from the real ct-small.dcm, sent by the clinic over STOW-RS.
    const series = await ctSeriesFromFixture(SLICES);
    sopInstanceUids = series.sopInstanceUids;
    await request(t.http)
      .post('/dicomweb/studies')
      .set('Content-Type', stowContentType('v'))
      .auth(a.tokens.clinic_doctor, { type: 'bearer' })
      .send(
        multipartRelated(
          series.files.map((body) => ({ body })),
          'v',
        ),
      )
      .expect(200);
    browser = await launchChromium();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows a reader the images of a claimed CT task beside the report: scroll, window/level, zoom, measure', async () => {
    await request(t.http)
      .post('/api/requests')
      .auth(a.tokens.clinic_doctor, { type: 'bearer' })
      .send({ studyInstanceUid: dicomFixture('ct-small.dcm').studyInstanceUid, priority: 'stat' })
      .expect(201);
    const reader = await logInToConsole(browser, base, {
      username: a.usernames.reader,
      password: a.passwords.reader,
    });
    const problems = watch(reader);
    await reader.getByLabel('中心').selectOption({ label: 'Regional imaging centre' });
    await reader.getByRole('button', { name: '领取下一个' }).click();
    await reader.waitForURL(/\/reader\/tasks\//);

    const viewer = reader.getByTestId('study-viewer');
    await viewer.getByText(`图像 1 / ${SLICES}`).waitFor({ timeout: LIVE_MS });
    const first = await nextPicture(viewer, null);
    // The image's own window (ct-small has none in its header: Cornerstone's from its pixel range), for the reset below.
    const defaultWindow = await until(
      async () => [await attr(viewer, 'data-window-width'), await attr(viewer, 'data-window-center')],
      ([w, c]) => w !== '' && c !== '',
      'default window',
    );
    expect(defaultWindow[0]).not.toBe('1500');
    // A CT slice, not a blank: dark air and bright tissue on one picture.
    expect(first.max - first.min).toBeGreaterThan(50);
    await shot(reader, '20-reader-viewer');

    const stage = viewer.getByTestId('viewer-stage');
    await stage.hover();
    await reader.mouse.wheel(0, 120);
    await viewer.getByText(`图像 2 / ${SLICES}`).waitFor();
    const second = await nextPicture(viewer, first);
    await viewer.getByRole('button', { name: '下一张' }).click();
    await viewer.getByText(`图像 3 / ${SLICES}`).waitFor();
    await nextPicture(viewer, second);

    // Window/level: a preset, then a drag, each changes what is drawn.
    const before = await canvasStats(viewer);
    await viewer.getByLabel('窗位预设').selectOption({ label: '肺窗' });
    await until(
      () => attr(viewer, 'data-window-width'),
      (w) => w === '1500',
      'window width',
    );
    const lung = await nextPicture(viewer, before);
    await drag(reader, stage, [200, 200], [260, 150]);
    await until(
      () => attr(viewer, 'data-window-width'),
      (w) => w !== '1500',
      'window width',
    );
    await nextPicture(viewer, lung);

    await viewer.getByRole('button', { name: '缩放', exact: true }).click();
    await drag(reader, stage, [200, 120], [200, 200]);
    await until(
      () => attr(viewer, 'data-zoom'),
      (z) => Number(z) > 1.1,
      'zoom',
    );

    await viewer.getByRole('button', { name: '测量', exact: true }).click();
    await drag(reader, stage, [150, 150], [260, 230]);
    // Cornerstone's length tool draws its line and a "… mm" label in its SVG layer.
    await viewer.locator('svg text').filter({ hasText: /mm/ }).first().waitFor();
    await shot(reader, '21-reader-viewer-tools');

    await viewer.getByRole('button', { name: '重置' }).click();
    await until(
      () => attr(viewer, 'data-zoom'),
      (z) => z === '1',
      'zoom',
    );
    await until(
      async () => [await attr(viewer, 'data-window-width'), await attr(viewer, 'data-window-center')],
      ([w, c]) => w === defaultWindow[0] && c === defaultWindow[1],
      `window back to ${defaultWindow.join('/')}`,
    );
    expect(problems).toEqual([]);
  }, 180_000);

  describe('in an MDT room', () => {
    let c: ConsultationFixture;
    const problems = new Map<Page, string[]>();

    async function enterRoom(who: { username: string; password: string }): Promise<Page> {
      const page = await logInToConsole(browser, base, who);
      problems.set(page, watch(page));
      await page.goto(`${base}/consultations/${c.id}/room`);
      await page
        .getByTestId('live')
        .getByText(/实时更新/)
        .waitFor();
      await page.getByTestId('study-viewer').getByText(`/ ${SLICES}`).waitFor({ timeout: LIVE_MS });
      return page;
    }

    beforeAll(async () => {
      const [study] = await t.sql<{ id: string }>('SELECT id FROM studies WHERE study_instance_uid = $1', [
        dicomFixture('ct-small.dcm').studyInstanceUid,
      ]);
      c = await openConsultation(t, a, { studyId: study!.id });
    });

    it('makes the other viewer follow the presenter and draws an annotation placed by one for the other', async () => {
      const chair = await enterRoom(c.chair);
      const specialist = await enterRoom(c.specialist);
      const chairViewer = chair.getByTestId('study-viewer');
      const theirViewer = specialist.getByTestId('study-viewer');

      await chair.getByRole('button', { name: '由我主讲' }).click();
      await chair.getByTestId('presenter-bar').getByText('您正在主讲').waitFor({ timeout: LIVE_MS });
      await specialist
        .getByTestId('presenter-bar')
        .getByText(/正在跟随/)
        .waitFor({ timeout: LIVE_MS });

      // The chair scrolls to slice 4 (wheel, then a button), windows, zooms and pans; the specialist's viewer follows.
      const stage = chairViewer.getByTestId('viewer-stage');
      await stage.hover();
      await chair.mouse.wheel(0, 120);
      await chairViewer.getByText(`图像 2 / ${SLICES}`).waitFor();
      await chairViewer.getByRole('button', { name: '下一张' }).click();
      await chairViewer.getByRole('button', { name: '下一张' }).click();
      await chairViewer.getByText(`图像 4 / ${SLICES}`).waitFor();
      await theirViewer.getByText(`图像 4 / ${SLICES}`).waitFor({ timeout: LIVE_MS });

      await chairViewer.getByLabel('窗位预设').selectOption({ label: '骨窗' });
      await chairViewer.getByRole('button', { name: '缩放', exact: true }).click();
      await drag(chair, stage, [200, 140], [200, 220]);
      await chairViewer.getByRole('button', { name: '平移', exact: true }).click();
      await drag(chair, stage, [200, 200], [240, 180]);
      await until(
        () => attr(chairViewer, 'data-pan'),
        (p) => p !== '0,0',
        'pan',
      );
      const zoom = Number(await attr(chairViewer, 'data-zoom'));
      const [panX, panY] = (await attr(chairViewer, 'data-pan')).split(',').map(Number);
      expect(zoom).toBeGreaterThan(1);
      await until(
        () => attr(theirViewer, 'data-window-width'),
        (w) => w === '1800',
        'followed window width',
      );
      await until(
        () => attr(theirViewer, 'data-zoom'),
        (z) => Math.abs(Number(z) - zoom) < 0.01,
        'followed zoom',
      );
      await until(
        () => attr(theirViewer, 'data-pan'),
        (p) => {
          const [x, y] = p.split(',').map(Number);
          return Math.abs(x! - panX!) < 1 && Math.abs(y! - panY!) < 1;
        },
        'followed pan',
      );
      // The same picture on both screens (the stages have the same size), up to sub-pixel differences of the pan:
      // compared cell by cell on a coarse grid, so a different slice, window, zoom or pan shows.
      const chairPicture = await canvasGrid(chairViewer);
      expect(Math.max(...chairPicture) - Math.min(...chairPicture)).toBeGreaterThan(50);
      await until(
        () => canvasGrid(theirViewer),
        (p) => p.every((v, i) => Math.abs(v - chairPicture[i]!) < 8),
        'followed picture',
      );

      // The specialist places a note on the image; the chair sees it drawn at the same place on the same slice.
      await specialist.getByRole('button', { name: '放置标注' }).click();
      await theirViewer.getByTestId('annotation-overlay').click({ position: { x: 180, y: 160 } });
      await theirViewer.getByTestId('annotation-pending').waitFor();
      await specialist.getByLabel('标注内容').fill('结节 8 mm');
      await specialist.getByRole('button', { name: '添加标注' }).click();
      const mark = chairViewer.getByTestId('annotation-marker').filter({ hasText: '结节 8 mm' });
      await mark.waitFor({ timeout: LIVE_MS });
      const theirMark = theirViewer.getByTestId('annotation-marker').filter({ hasText: '结节 8 mm' });
      await theirMark.waitFor({ timeout: LIVE_MS });
      const [m1, m2] = [await markAt(chairViewer, mark), await markAt(theirViewer, theirMark)];
      expect(Math.abs(m1[0] - m2[0])).toBeLessThan(3);
      expect(Math.abs(m1[1] - m2[1])).toBeLessThan(3);

      const [row] = await t.sql<{ payload: { sopInstanceUid: string; points: { x: number; y: number }[] } }>(
        `SELECT payload FROM consultation_events WHERE consultation_id = $1 AND type = 'annotation.added'`,
        [c.id],
      );
      expect(row!.payload.sopInstanceUid).toBe(sopInstanceUids[3]);
      await shot(chair, '22-mdt-viewer-presenter');
      await shot(specialist, '23-mdt-viewer-follower');

      // Deleting it takes it off both images.
      await chair.getByTestId('annotation').getByRole('button', { name: '删除' }).click();
      await theirMark.waitFor({ state: 'detached', timeout: LIVE_MS });
      expect([...problems.values()].flat()).toEqual([]);
    }, 180_000);
  });
});
