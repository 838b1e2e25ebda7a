import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { createTenant, type Tenant } from './tenant.js';
import { baseUrlOf, startTestApp, type TestApp } from './test-app.js';
import { ensureWebBuild } from './web-build.js';

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

/** A browser suite's hub: the console built, a test app serving it with a tenant of its own, a screenshot folder. */
export async function startConsoleHub(shots: string): Promise<{ t: TestApp; tenant: Tenant; base: string }> {
  ensureWebBuild();
  await mkdir(shots, { recursive: true });
  const t = await startTestApp();
  return { t, tenant: await createTenant(t), base: baseUrlOf(t) };
}
