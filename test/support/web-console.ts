import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { createTenant, type Tenant } from './tenant.js';
import { baseUrlOf, startTestApp, type TestApp } from './test-app.js';
import { ensureWebBuild } from './web-build.js';

/** Where browser suites put their screenshots, to be looked at after a run. */
export const CONSOLE_SHOTS = path.resolve('test-output/web');

export interface ConsoleHub {
  t: TestApp;
  a: Tenant;
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

/** What a browser suite starts with: the console built, a hub with one tenant, Chromium. */
export async function startConsoleHub(opts: { fakeMedia?: boolean } = {}): Promise<ConsoleHub> {
  ensureWebBuild();
  await mkdir(CONSOLE_SHOTS, { recursive: true });
  const t = await startTestApp();
  const a = await createTenant(t);
  const browser = await launchChromium(opts);
  return {
    t,
    a,
    base: baseUrlOf(t),
    browser,
    close: async () => {
      await browser.close();
      await t.close();
    },
  };
}

/** The console's screen size target (issue 8: works on a 1366×768 screen). */
export const CONSOLE_VIEWPORT = { width: 1366, height: 768 };

/** A new browser context (Chinese locale) logged in to the console at `base` through its login form. */
export async function logInToConsole(
  browser: Browser,
  base: string,
  who: { username: string; password: string },
): Promise<Page> {
  const context = await browser.newContext({ viewport: CONSOLE_VIEWPORT, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(base);
  await page.getByLabel('用户名').fill(who.username);
  await page.getByLabel('密码').fill(who.password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('who').waitFor();
  return page;
}

/**
 * A full-page screenshot of `page` as test-output/web/<name>.png, after checking the page fits the console's width
 * (a 1366 px screen must not need sideways scrolling; only taller pages scroll).
 */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  const { scrollWidth, clientWidth } = await page
    .locator('html')
    .evaluate((root) => ({ scrollWidth: root.scrollWidth, clientWidth: root.clientWidth }));
  if (scrollWidth > clientWidth) {
    throw new Error(`screen ${name} is ${scrollWidth} px wide: wider than the ${clientWidth} px of a 1366×768 screen`);
  }
  await page.screenshot({ path: path.join(CONSOLE_SHOTS, `${name}.png`), fullPage: true });
}

/**
 * Drops files and folders from the local disk on the element with `testId`, as a user dragging them from the file
 * manager: through Chromium's own drag events (DevTools protocol), so the page reads folders with
 * webkitGetAsEntry as it would from a real drop.
 */
export async function dropFromDisk(page: Page, testId: string, paths: string[]): Promise<void> {
  const box = await page.getByTestId(testId).boundingBox();
  if (!box) throw new Error(`nothing to drop on: ${testId} is not visible`);
  const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const cdp = await page.context().newCDPSession(page);
  const data = { items: [], files: paths, dragOperationsMask: 1 /* copy */ };
  try {
    for (const type of ['dragEnter', 'dragOver', 'drop'] as const) {
      await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
    }
  } finally {
    await cdp.detach();
  }
}

/** On a reader's task page: types the report and waits until the autosave has it. */
export async function draftReport(page: Page, findings: string, impression: string): Promise<void> {
  await page.getByLabel('检查所见').fill(findings);
  await page.getByLabel('诊断意见').fill(impression);
  await page
    .getByTestId('autosave')
    .getByText(/已自动保存/)
    .waitFor();
}

/** A senior reader on the worklist: takes the next submitted report of `centre` for review and opens it. */
export async function claimForReview(page: Page, centre: string): Promise<void> {
  await page.getByLabel('中心').selectOption({ label: centre });
  await page.getByRole('button', { name: '领取待审核报告' }).click();
  await page.waitForURL(/\/reader\/tasks\//);
}

/** From anywhere in the console: the consultations list, the consultation's room link, and the room joined live. */
export async function enterRoom(page: Page, consultationId: string): Promise<void> {
  await page.getByRole('link', { name: '会诊', exact: true }).click();
  await page
    .getByTestId('consultation-row')
    .filter({ has: page.locator(`a[href="/consultations/${consultationId}/room"]`) })
    .getByRole('link', { name: '进入会诊室' })
    .click();
  await page.waitForURL(new RegExp(`/consultations/${consultationId}/room$`));
  await page
    .getByTestId('live')
    .getByText(/实时更新/)
    .waitFor();
}
