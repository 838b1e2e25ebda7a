import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page, Request, Route } from 'playwright-core';
import request from 'supertest';
import { annotatedEcg } from '../../fixtures/aecg.js';
import { dicomFixture } from '../../fixtures/dicom-fixtures.js';
import { HL7_ORU } from '../../fixtures/uploads.js';
import { multipartRelated, stowContentType } from '../../support/dicomweb.js';
import type { Tenant } from '../../support/tenant.js';
import type { TestApp } from '../../support/test-app.js';
import {
  type ConsoleHub,
  claimForReview,
  draftReport,
  logInToConsole,
  saveScreenshot as shot,
  startConsoleHub,
} from '../../support/web-console.js';

const LIVE_MS = 15_000;
const GRID_LEADS = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

type Role = 'clinic_technician' | 'reader' | 'senior_reader';

/** The points of an SVG path drawn as "Mx yLx y…", as numbers. */
function pathPoints(d: string): { x: number; y: number }[] {
  return d
    .replace(/^M/, '')
    .split('L')
    .map((p) => {
      const [x, y] = p.trim().split(/\s+/).map(Number);
      return { x: x!, y: y! };
    });
}

/** The traces of the ECG view, with each one's points. */
async function drawnTraces(page: Page) {
  const traces = await page
    .getByTestId('ecg-view')
    .locator('path[data-lead]')
    .evaluateAll((paths) =>
      paths.map((p) => ({
        lead: p.getAttribute('data-lead')!,
        rhythm: p.hasAttribute('data-rhythm'),
        d: p.getAttribute('d')!,
      })),
    );
  return traces.map((tr) => ({ ...tr, points: pathPoints(tr.d) }));
}

/** Paper millimetres between a trace's lowest and highest point (10 mm is 1 mV). */
function spreadMm(points: { y: number }[]): number {
  const ys = points.map((p) => p.y);
  return Math.max(...ys) - Math.min(...ys);
}

describe('the web console in Chromium: ECG and lab studies, returns, resumable slide uploads', () => {
  let t: TestApp;
  let a: Tenant;
  let browser: Browser;
  let base: string;
  let work: string;
  let hub: ConsoleHub;

  const logIn = (role: Role) =>
    logInToConsole(browser, base, { username: a.usernames[role], password: a.passwords[role] });

  async function claimNext(page: Page, centre: string): Promise<void> {
    await page.getByLabel('中心').selectOption({ label: centre });
    await page.getByTestId('queue-row').first().waitFor();
    await page.getByRole('button', { name: '领取下一个' }).click();
    await page.waitForURL(/\/reader\/tasks\//);
  }

  async function openStudyUpload(page: Page, discipline: string, localId: string): Promise<void> {
    await page.getByRole('link', { name: '上传检查' }).click();
    await page.getByRole('link', { name: /上传心电图、病理切片或检验结果/ }).click();
    await page.getByLabel('检查类别').selectOption(discipline);
    await page.getByLabel('患者编号').fill(localId);
    await page.getByLabel('患者姓名').fill('赵^玉兰');
    await page.getByLabel('性别').selectOption('F');
  }

  async function studyFiles(studyId: string) {
    const res = await request(t.http)
      .get(`/api/studies/${studyId}`)
      .auth(a.tokens.clinic_technician, { type: 'bearer' });
    expect(res.status).toBe(200);
    return res.body.files as { size: number; sha256: string; fileName: string }[];
  }

  beforeAll(async () => {
    hub = await startConsoleHub();
    ({ t, a, base, browser } = hub);
    work = await mkdtemp(path.join(tmpdir(), 'console-studies-'));
  }, 600_000);
  afterAll(async () => {
    await hub?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('draws the 12 leads of a DICOM ECG; the reader returns it with a reason, the clinic sees why live and resubmits', async () => {
    const boundary = 'ecg-boundary';
    const stow = await request(t.http)
      .post('/dicomweb/studies')
      .auth(a.tokens.clinic_technician, { type: 'bearer' })
      .set('Content-Type', stowContentType(boundary))
      .send(multipartRelated([{ body: await readFile(dicomFixture('ecg-12lead.dcm').path) }], boundary));
    expect(stow.status).toBe(200);
    const created = await request(t.http)
      .post('/api/requests')
      .auth(a.tokens.clinic_technician, { type: 'bearer' })
      .send({
        studyInstanceUid: dicomFixture('ecg-12lead.dcm').studyInstanceUid,
        priority: 'urgent',
        clinicalNotes: '胸闷',
      });
    expect(created.status).toBe(201);
    const requestId = created.body.id as string;

    const clinic = await logIn('clinic_technician');
    await clinic.goto(`${base}/clinic/requests/${requestId}`);
    await clinic
      .getByTestId('live')
      .getByText(/实时更新/)
      .waitFor();

    const reader = await logIn('reader');
    await claimNext(reader, 'Regional ECG centre');
    const ecg = reader.getByTestId('ecg-view');
    await ecg.waitFor({ timeout: 30_000 });
    await ecg.getByText(/1000 Hz · 10\.0 秒 · 12 导联/).waitFor();
    const traces = await drawnTraces(reader);
    const grid = traces.filter((tr) => !tr.rhythm);
    expect(grid.map((tr) => tr.lead).sort()).toEqual([...GRID_LEADS].sort());
    expect(traces.filter((tr) => tr.rhythm).map((tr) => tr.lead)).toEqual(['II']);
    for (const tr of traces) {
      // 2.5 s per grid cell at 1000 Hz, drawn as min/max per 0.1 mm of paper: hundreds of points, not a stub.
      expect(tr.points.length).toBeGreaterThan(tr.rhythm ? 2000 : 500);
      expect(tr.points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))).toBe(true);
      // A real tracing moves: more than 0.2 mV (2 mm) between its lowest and highest point.
      expect(spreadMm(tr.points)).toBeGreaterThan(2);
    }
    await shot(reader, '20-reader-ecg-12-lead');
    await ecg.getByLabel('布局').selectOption('rows');
    await expect(ecg.locator('path[data-lead]').count()).resolves.toBe(12);

    await reader.getByRole('button', { name: '退回申请' }).click();
    await reader.getByLabel('退回原因').selectOption('missing_clinical_information');
    await reader.getByLabel(/说明/).fill('请补充既往心电图及用药史');
    await shot(reader, '21-reader-return-form');
    await reader.getByRole('button', { name: '确认退回' }).click();
    await reader.getByTestId('state').getByText('已退回').waitFor();

    // The clinic learns of the return over /events, without reloading.
    await clinic
      .getByTestId('returned-note')
      .getByText(/缺少临床资料/)
      .waitFor({ timeout: LIVE_MS });
    await expect(clinic.getByTestId('return-note').textContent()).resolves.toContain('请补充既往心电图及用药史');
    await clinic.getByLabel(/重新提交/).fill('胸闷；既往心电图正常，服用阿司匹林');
    await shot(clinic, '22-clinic-returned');
    await clinic.getByRole('button', { name: '重新提交' }).click();
    await clinic.getByTestId('state').getByText('待领取').waitFor();
    expect(await clinic.getByTestId('returned-note').count()).toBe(0);

    const after = await request(t.http)
      .get(`/api/requests/${requestId}`)
      .auth(a.tokens.clinic_technician, { type: 'bearer' });
    expect(after.body.task).toMatchObject({ state: 'queued', resubmissions: 1 });
    expect(after.body.clinicalNotes).toBe('胸闷；既往心电图正常，服用阿司匹林');

    // The clinic may still cancel it while no reader holds it.
    clinic.once('dialog', (d) => void d.accept());
    await clinic.getByRole('button', { name: '取消申请' }).click();
    await clinic.getByTestId('state').getByText('已取消').waitFor();
  }, 180_000);

  it('files typed-in lab values; the reader sees the abnormal one flagged; the signed report downloads as a PDF', async () => {
    const clinic = await logIn('clinic_technician');
    await openStudyUpload(clinic, 'lab', 'LAB-0001');
    await clinic.getByLabel('项目代码 1').fill('GLU');
    await clinic.getByLabel('项目名称 1').fill('葡萄糖');
    await clinic.getByLabel('结果 1').fill('11.2');
    await clinic.getByLabel('单位 1').fill('mmol/L');
    await clinic.getByLabel('参考范围 1').fill('3.9-6.1');
    await clinic.getByLabel('提示 1').selectOption('H');
    await clinic.getByRole('button', { name: '添加一行' }).click();
    await clinic.getByLabel('项目代码 2').fill('K');
    await clinic.getByLabel('项目名称 2').fill('钾');
    await clinic.getByLabel('结果 2').fill('4.1');
    await clinic.getByLabel('单位 2').fill('mmol/L');
    await clinic.getByLabel('参考范围 2').fill('3.5-5.3');
    await shot(clinic, '23-clinic-lab-entry');
    await clinic.getByRole('button', { name: '提交检验结果' }).click();
    await clinic.getByTestId('filed-study').waitFor();
    await clinic.getByLabel('临床资料').fill('口干多饮一月');
    await clinic.getByRole('button', { name: '提交申请' }).click();
    await clinic.waitForURL(/\/clinic\/requests\/[0-9a-f-]{36}$/);

    const reader = await logIn('reader');
    await claimNext(reader, 'Regional laboratory');
    const table = reader.getByTestId('lab-table');
    await table.waitFor();
    const glucose = table.getByTestId('lab-row').filter({ hasText: '葡萄糖' });
    await expect(glucose.getAttribute('data-flag')).resolves.toBe('H');
    await expect(glucose.getAttribute('class')).resolves.toContain('lab-abnormal');
    await glucose.getByText('↑ 偏高').waitFor();
    const potassium = table.getByTestId('lab-row').filter({ hasText: '钾' });
    await expect(potassium.getAttribute('class')).resolves.not.toContain('lab-abnormal');
    await expect(potassium.locator('.lab-flag').count()).resolves.toBe(0);
    await draftReport(
      reader,
      '空腹血糖 11.2 mmol/L，高于参考范围；血钾正常。',
      '血糖升高，建议复查空腹血糖及糖化血红蛋白。',
    );
    await shot(reader, '24-reader-lab-table');
    await reader.getByRole('button', { name: '提交审核' }).click();
    await reader.getByTestId('state').getByText('待审核').waitFor();

    const senior = await logIn('senior_reader');
    await claimForReview(senior, 'Regional laboratory');
    await senior.getByTestId('lab-row').filter({ hasText: '葡萄糖' }).getByText('↑ 偏高').waitFor();
    await senior.getByRole('button', { name: '签发报告' }).click();
    await senior.getByText('报告已签发').waitFor();

    await clinic.getByTestId('impression').getByText('血糖升高').waitFor({ timeout: LIVE_MS });
    const [download] = await Promise.all([
      clinic.waitForEvent('download'),
      clinic.getByRole('button', { name: '下载 PDF' }).click(),
    ]);
    const pdf = await readFile((await download.path())!);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(download.suggestedFilename()).toMatch(/^report-[0-9a-f-]{36}\.pdf$/);
  }, 180_000);

  it('draws an uploaded HL7 aECG of 8 leads as 12, the limb leads derived, at 10 mm/mV', async () => {
    const gains = { I: 0.5, II: 1, V1: 0.3, V2: 0.6, V3: 0.9, V4: 1.2, V5: 1.1, V6: 0.8 };
    const file = path.join(work, 'rest-ecg.xml');
    await writeFile(file, annotatedEcg({ samplingHz: 500, seconds: 10, gainsMv: gains }));
    const clinic = await logIn('clinic_technician');
    await openStudyUpload(clinic, 'ecg', 'ECG-0002');
    await clinic.locator('input[name=studyFiles]').setInputFiles(file);
    await clinic.getByRole('button', { name: '上传并归档' }).click();
    await clinic.getByTestId('filed-study').waitFor({ timeout: 60_000 });
    await clinic.getByRole('button', { name: '提交申请' }).click();
    await clinic.waitForURL(/\/clinic\/requests\/[0-9a-f-]{36}$/);

    const reader = await logIn('reader');
    await claimNext(reader, 'Regional ECG centre');
    await reader
      .getByTestId('ecg-view')
      .getByText(/500 Hz · 10\.0 秒 · 12 导联/)
      .waitFor({ timeout: 30_000 });
    const grid = (await drawnTraces(reader)).filter((tr) => !tr.rhythm);
    expect(grid.map((tr) => tr.lead).sort()).toEqual([...GRID_LEADS].sort());
    // III = II − I, aVR = −(I + II)/2, aVL = I − II/2, aVF = II − I/2: from gains 0.5 and 1 mV, 5, 7.5, 0 and 7.5 mm.
    const expected: Record<string, number> = { ...gains, III: 0.5, aVR: 0.75, aVL: 0, aVF: 0.75 };
    for (const tr of grid) expect(spreadMm(tr.points)).toBeCloseTo(expected[tr.lead]! * 10, 0);
    await shot(reader, '28-reader-aecg');
  }, 180_000);

  it('files lab results from an HL7 v2 ORU^R01 file, its high glucose flagged', async () => {
    const clinic = await logIn('clinic_technician');
    await openStudyUpload(clinic, 'lab', 'TS-000123');
    await clinic.locator('input[name=studyFiles]').setInputFiles({
      name: 'oru.hl7',
      mimeType: 'application/hl7-v2',
      buffer: HL7_ORU,
    });
    await clinic.getByRole('button', { name: '提交检验结果' }).click();
    const rows = clinic.getByTestId('filed-study').getByTestId('lab-row');
    await rows.first().waitFor();
    await expect(rows.count()).resolves.toBe(2);
    const glucose = rows.filter({ hasText: 'Glucose' });
    await expect(glucose.getAttribute('data-flag')).resolves.toBe('H');
    await expect(glucose.locator('.lab-value').textContent()).resolves.toBe('6.8');
    await expect(rows.filter({ hasText: '乙肝表面抗原' }).getAttribute('class')).resolves.not.toContain('lab-abnormal');
  }, 120_000);

  it('uploads a slide through tus to 100% and files it byte for byte', async () => {
    const slide = Buffer.concat([Buffer.from([0x49, 0x49, 0x2a, 0x00]), randomBytes(1536 * 1024)]);
    const file = path.join(work, '切片-HE-01.svs');
    await writeFile(file, slide);
    const clinic = await logIn('clinic_technician');
    await openStudyUpload(clinic, 'pathology', 'PATH-0001');
    await clinic.locator('input[name=studyFiles]').setInputFiles(file);
    await clinic.getByRole('button', { name: '上传并归档' }).click();
    const filed = clinic.getByTestId('filed-study');
    await filed.waitFor({ timeout: 60_000 });
    await expect(filed.getByTestId('upload-progress').textContent()).resolves.toContain('100%');
    const bar = filed.getByTestId('upload-progress').locator('progress');
    await expect(bar.getAttribute('max')).resolves.toBe(String(slide.length));
    await expect(bar.getAttribute('value')).resolves.toBe(String(slide.length));
    await shot(clinic, '25-clinic-slide-filed');
    const [stored] = await studyFiles((await filed.getAttribute('data-study-id'))!);
    expect(stored).toMatchObject({ size: slide.length, sha256: createHash('sha256').update(slide).digest('hex') });
    expect(stored!.fileName).toBe('切片-HE-01.svs');
  }, 120_000);

  it('resumes a slide upload cut off mid-way, after a reload, from the bytes the hub already has', async () => {
    const slide = Buffer.concat([Buffer.from([0x49, 0x49, 0x2a, 0x00]), randomBytes(4 * 1024 * 1024)]);
    const half = Math.floor(slide.length / 2);
    const file = path.join(work, 'slide-large.tif');
    await writeFile(file, slide);
    const clinic = await logIn('clinic_technician');

    // The first PATCH delivers half the bytes to the hub, then the connection breaks; every later one fails at once.
    let broken = true;
    let cut = false;
    await clinic.route('**/api/uploads/*', async (route: Route, req: Request) => {
      if (req.method() !== 'PATCH' || !broken) return route.continue();
      if (!cut) {
        cut = true;
        await route.fetch({ postData: slide.subarray(0, half) });
      }
      await route.abort('connectionreset');
    });
    await openStudyUpload(clinic, 'pathology', 'PATH-0002');
    await clinic.locator('input[name=studyFiles]').setInputFiles(file);
    await clinic.getByRole('button', { name: '上传并归档' }).click();
    await clinic.getByRole('button', { name: '继续上传' }).waitFor({ timeout: 30_000 });
    expect(cut).toBe(true);
    await shot(clinic, '26-clinic-upload-interrupted');
    // The URL to resume from is kept for this tab only (not for the workstation's next user), without the file's name.
    const kept = await clinic.evaluate(() => {
      // The tests' tsconfig has no DOM types: the two Storage objects, read as plain records.
      const stores = globalThis as unknown as Record<'localStorage' | 'sessionStorage', Record<string, string>>;
      const tus = (store: Record<string, string>) => Object.entries(store).filter(([k]) => k.startsWith('tus::'));
      return { local: tus(stores.localStorage), session: tus(stores.sessionStorage) };
    });
    expect(kept.local).toEqual([]);
    expect(kept.session).toHaveLength(1);
    expect(JSON.stringify(kept.session)).not.toContain('slide-large');

    // Back online, the clinic reloads (the page's state is gone) and chooses the same file again.
    broken = false;
    const offsets: string[] = [];
    clinic.on('request', (r) => {
      if (r.method() === 'PATCH') offsets.push(r.headers()['upload-offset'] ?? '');
    });
    await clinic.reload();
    await clinic.getByLabel('检查类别').waitFor();
    await clinic.getByLabel('检查类别').selectOption('pathology');
    await clinic.getByLabel('患者编号').fill('PATH-0002');
    await clinic.getByLabel('患者姓名').fill('赵^玉兰');
    await clinic.locator('input[name=studyFiles]').setInputFiles(file);
    await clinic.getByRole('button', { name: '上传并归档' }).click();
    const filed = clinic.getByTestId('filed-study');
    await filed.waitFor({ timeout: 60_000 });
    expect(offsets[0]).toBe(String(half));
    await expect(filed.getByTestId('upload-progress').textContent()).resolves.toMatch(/100%.*已从上次中断处继续/);
    await shot(clinic, '27-clinic-upload-resumed');

    const [stored] = await studyFiles((await filed.getAttribute('data-study-id'))!);
    expect(stored).toMatchObject({ size: slide.length, sha256: createHash('sha256').update(slide).digest('hex') });
  }, 180_000);
});
