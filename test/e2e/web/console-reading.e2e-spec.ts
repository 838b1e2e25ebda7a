import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { chinaDay } from '@hub/core';
import { ctSeriesFromFixture } from '../../support/ct-series.js';
import { postAs } from '../../support/http.js';
import { uploadEcgStudy } from '../../support/reading.js';
import type { Tenant } from '../../support/tenant.js';
import {
  CONSOLE_VIEWPORT,
  type ConsoleHub,
  dropFromDisk,
  logInToConsole,
  saveScreenshot as shot,
  startConsoleHub,
} from '../../support/web-console.js';

const LIVE_MS = 15_000;
const SLICES = 3;

/** Today in China as a DICOM date: the study is then inside its catalogue item's validity window. */
const todayInChina = () => chinaDay(new Date()).replaceAll('-', '');

describe('the web console in Chromium: a clinic asks, a reader reports, a senior signs, the clinic sees it live', () => {
  let hub: ConsoleHub;
  let a: Tenant;
  let browser: Browser;
  let base: string;
  /** A modality's export as a clinic has it on disk: a folder with a series folder of CT slices. */
  let exportFolder: string;

  const logIn = (role: 'clinic_technician' | 'reader' | 'senior_reader'): Promise<Page> =>
    logInToConsole(browser, base, { username: a.usernames[role], password: a.passwords[role] });

  /** A reader on the worklist of `centre`, empty and following the hub's events. */
  const watchEmptyWorklist = async (centre: string): Promise<Page> => {
    const reader = await logIn('reader');
    await reader.getByLabel('中心').selectOption({ label: centre });
    await reader.getByRole('columnheader', { name: '优先级' }).waitFor();
    await reader
      .getByTestId('live')
      .getByText(/实时更新/)
      .waitFor();
    expect(await reader.getByTestId('queue-row').count()).toBe(0);
    return reader;
  };

  beforeAll(async () => {
    hub = await startConsoleHub();
    ({ a, base, browser } = hub);
    // The clinic passed imaging QC, so its signed CT carries the HR mark.
    await postAs(hub.t, `/api/institutions/${a.clinicIds[0]}/qc-records`, a.tokens.admin, {
      discipline: 'imaging',
      passedFrom: '2020-01-01',
      source: '市医学影像质控中心',
    }).expect(201);
    exportFolder = await mkdtemp(path.join(os.tmpdir(), 'console-export-'));
    const seriesFolder = path.join(exportFolder, 'DICOM', 'SE0001');
    await mkdir(seriesFolder, { recursive: true });
    const { files } = await ctSeriesFromFixture(SLICES, { studyDate: todayInChina() });
    await Promise.all(
      files.map((f, i) => writeFile(path.join(seriesFolder, `IM${String(i + 1).padStart(4, '0')}`), f)),
    );
  }, 600_000);
  afterAll(async () => {
    await hub?.close();
    if (exportFolder) await rm(exportFolder, { recursive: true, force: true });
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
    // The export folder is dragged in whole: its series folder is walked.
    await dropFromDisk(clinic, 'dropzone', [exportFolder]);
    await clinic.getByRole('button', { name: `上传 ${SLICES} 个文件` }).click();
    await clinic.getByText(`已保存 ${SLICES} 个影像`).waitFor();
    await clinic.getByLabel('优先级').selectOption('urgent');
    await clinic.getByLabel('检查项目（用于互认）').selectOption('CT-CHEST');
    await clinic.getByLabel('临床资料').fill('咳嗽两周，发热三天');
    await shot(clinic, '01-clinic-upload');

    // The reader is watching the imaging centre's (empty) worklist when the request goes in.
    const reader = await watchEmptyWorklist('Regional imaging centre');

    await clinic.getByRole('button', { name: '提交申请' }).click();
    await clinic.waitForURL(/\/clinic\/requests\/[0-9a-f-]{36}$/);
    await clinic.getByTestId('state').getByText('待领取').waitFor();
    await clinic
      .getByTestId('live')
      .getByText(/实时更新/)
      .waitFor();
    await shot(clinic, '02-clinic-request');

    // No reload: the new task arrives over /events.
    await reader.getByTestId('queue-row').first().waitFor({ timeout: LIVE_MS });
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
    // A CT chest of a QC-passed clinic, performed today: recognisable across the consortium, with its validity.
    await expect(clinic.getByTestId('report').locator('.hr-mark').textContent()).resolves.toMatch(
      /HR · 有效期至 \d{4}-\d{2}-\d{2}$/,
    );
    await shot(clinic, '06-clinic-report-live');

    await clinic.getByRole('button', { name: 'English' }).click();
    await clinic.getByRole('heading', { name: 'Report', exact: true }).waitFor();
    await clinic.getByRole('link', { name: 'Requests' }).click();
    await clinic.getByTestId('request-row').getByText('Signed').waitFor();
    await shot(clinic, '07-clinic-requests-english');
  }, 120_000);

  it('brings a worklist that lost its connection up to date when it is back', async () => {
    const reader = await watchEmptyWorklist('Regional ECG centre');

    await reader.context().setOffline(true);
    await reader.getByTestId('live').getByText('○').waitFor({ timeout: LIVE_MS });
    // Sent while the reader is away: its task.created goes to a socket that is not there.
    const studyId = await uploadEcgStudy(hub.t, a.tokens.clinic_technician, `OFFLINE-${a.code}`);
    await postAs(hub.t, '/api/requests', a.tokens.clinic_technician, { studyId, priority: 'routine' }).expect(201);
    await reader.waitForTimeout(500);
    expect(await reader.getByTestId('queue-row').count()).toBe(0);

    await reader.context().setOffline(false);
    await reader.getByTestId('queue-row').first().waitFor({ timeout: LIVE_MS });
    expect(await reader.getByTestId('queue-row').count()).toBe(1);
  }, 60_000);

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
