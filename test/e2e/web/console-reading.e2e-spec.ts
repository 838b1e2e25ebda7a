import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { dicomFixture } from '../../fixtures/dicom-fixtures.js';
import { launchChromium } from '../../support/chromium.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { baseUrlOf, startTestApp, type TestApp } from '../../support/test-app.js';
import { CONSOLE_VIEWPORT, logInToConsole } from '../../support/web-console.js';
import { ensureWebBuild } from '../../support/web-build.js';

/** Screenshots of each main screen, to look at after a run (not compared: the test asserts on the page itself). */
const SHOTS = path.resolve('test-output/web');
const LIVE_MS = 15_000;

describe('the web console in Chromium: a clinic asks, a reader reports, a senior signs, the clinic sees it live', () => {
  let t: TestApp;
  let a: Tenant;
  let browser: Browser;
  let base: string;

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  const logIn = (role: 'clinic_technician' | 'reader' | 'senior_reader'): Promise<Page> =>
    logInToConsole(browser, base, { username: a.usernames[role], password: a.passwords[role] });

  beforeAll(async () => {
    ensureWebBuild();
    await mkdir(SHOTS, { recursive: true });
    t = await startTestApp();
    a = await createTenant(t);
    base = baseUrlOf(t);
    browser = await launchChromium();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('serves the console at / and for its own paths, but leaves the API and DICOMweb to the hub', async () => {
    const page = await fetch(`${base}/reader/worklist`, { headers: { Accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const api = await fetch(`${base}/api/requests`, { headers: { Accept: 'text/html' } });
    expect(api.status).toBe(401);
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
  });

  it('takes a study from upload to a signed report the clinic sees without reloading', async () => {
    const clinic = await logIn('clinic_technician');
    await clinic.getByRole('heading', { name: /阅片申请/ }).waitFor();
    await clinic.getByRole('link', { name: '上传检查' }).click();
    await clinic.locator('input[name=files]').setInputFiles(dicomFixture('ct-small.dcm').path);
    await clinic.getByRole('button', { name: /上传 1 个文件/ }).click();
    await clinic.getByText('已保存 1 个影像').waitFor();
    await clinic.getByLabel('优先级').selectOption('urgent');
    await clinic.getByLabel('临床资料').fill('咳嗽两周，发热三天');
    await shot(clinic, '01-clinic-upload');
    await clinic.getByRole('button', { name: '提交申请' }).click();
    await clinic.waitForURL(/\/clinic\/requests\/[0-9a-f-]{36}$/);
    await clinic.getByTestId('state').getByText('待领取').waitFor();
    await clinic
      .getByTestId('live')
      .getByText(/实时更新/)
      .waitFor();
    await shot(clinic, '02-clinic-request');

    const reader = await logIn('reader');
    await reader.getByLabel('中心').selectOption({ label: 'Regional imaging centre' });
    await reader.getByTestId('queue-row').first().waitFor();
    expect(await reader.getByTestId('queue-row').count()).toBe(1);
    await shot(reader, '03-reader-worklist');
    await reader.getByRole('button', { name: '领取下一个' }).click();
    await reader.waitForURL(/\/reader\/tasks\//);
    // The clinic hears of the claim as it happens.
    await clinic.getByTestId('state').getByText('已领取').waitFor({ timeout: LIVE_MS });
    await reader.getByLabel('检查所见').fill('右肺下叶见斑片状高密度影，边界模糊。');
    await reader.getByLabel('诊断意见').fill('右肺下叶肺炎，建议抗感染治疗后复查。');
    await reader
      .getByTestId('autosave')
      .getByText(/已自动保存/)
      .waitFor();
    await shot(reader, '04-reader-report-editor');
    await reader.getByRole('button', { name: '提交审核' }).click();
    await reader.getByTestId('state').getByText('待审核').waitFor();

    const senior = await logIn('senior_reader');
    await senior.getByLabel('中心').selectOption({ label: 'Regional imaging centre' });
    await senior.getByRole('button', { name: '领取待审核报告' }).click();
    await senior.waitForURL(/\/reader\/tasks\//);
    await expect(senior.getByLabel('诊断意见').inputValue()).resolves.toBe('右肺下叶肺炎，建议抗感染治疗后复查。');
    await senior.getByRole('button', { name: '签发报告' }).click();
    await senior.getByText('报告已签发').waitFor();
    await shot(senior, '05-senior-signed');

    // No reload: the signed report arrives over /events.
    await clinic.getByTestId('impression').getByText('右肺下叶肺炎').waitFor({ timeout: LIVE_MS });
    await clinic.getByTestId('state').getByText('已签发').waitFor();
    await shot(clinic, '06-clinic-report-live');

    await clinic.getByRole('button', { name: 'English' }).click();
    await clinic.getByRole('heading', { name: 'Report', exact: true }).waitFor();
    await clinic.getByRole('link', { name: 'Requests' }).click();
    await clinic.getByTestId('request-row').getByText('Signed').waitFor();
    await shot(clinic, '07-clinic-requests-english');
  }, 120_000);

  it('refuses a wrong password with the hub’s reason and keeps the login form', async () => {
    const context = await browser.newContext({ viewport: CONSOLE_VIEWPORT });
    const page = await context.newPage();
    await page.goto(base);
    await page.getByLabel('用户名').fill(a.usernames.reader);
    await page.getByLabel('密码').fill('not-the-password');
    await page.getByRole('button', { name: '登录' }).click();
    await page
      .getByRole('alert')
      .getByText(/登录失败/)
      .waitFor();
    expect(await page.getByTestId('who').count()).toBe(0);
  });
});
