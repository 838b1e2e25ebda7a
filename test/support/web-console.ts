import type { Browser, Page } from 'playwright-core';

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

/** Where the browser tests save their screenshots, to be looked at after a run (not compared). */
export const SCREENSHOTS = 'test-output/web';

/** A full-page screenshot of `page` as test-output/web/<name>.png. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}
