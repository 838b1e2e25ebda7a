import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import dcmjs from 'dcmjs';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { dicomFixture } from '../../fixtures/dicom-fixtures.js';
import { type ConsultationFixture, openConsultation } from '../../support/consultations.js';
import { multipartRelated, stowContentType } from '../../support/dicomweb.js';
import type { Tenant } from '../../support/tenant.js';
import type { TestApp } from '../../support/test-app.js';
import { enterRoom, logInToConsole, saveScreenshot, startConsoleHub } from '../../support/web-console.js';

/**
 * Text that runs script if a page puts it into the DOM as HTML (or a link). Each payload sets its own window flag or
 * opens a dialog; none may. PN values avoid '=', '^' and '\', which are separators in a person name.
 */
const XSS = {
  patientName: '<script>alert(1)</script>',
  studyDescription: '<img src=x onerror=window.__xss=2>',
  seriesDescription: '"><svg onload=window.__xss=3>',
  institutionName: 'javascript:window.__xss=4',
  clinicalNotes: '<img src=x onerror=alert(5)>',
  findings: '<iframe src="javascript:window.__xss=6"></iframe>',
  impression: '<b onmouseover=alert(7)>肺炎</b>',
  chat: '<img src=x onerror=window.__xss=8><script>window.__xss=9</script>',
};

/** The part of dcmjs's reader and writer used here (the hub's type declaration for dcmjs covers only its dictionary). */
interface DicomDict {
  dict: Record<string, unknown>;
  meta: Record<string, unknown>;
  write(): ArrayBuffer;
}
const { DicomMessage } = dcmjs.data as unknown as { DicomMessage: { readFile(buffer: ArrayBuffer): DicomDict } };

/** ct-small.dcm with the hostile names (written again by dcmjs: a zero preamble, its own study and instance). */
async function hostileCt(): Promise<{ file: Buffer; studyInstanceUid: string }> {
  const original = await readFile(dicomFixture('ct-small.dcm').path);
  const message = DicomMessage.readFile(
    original.buffer.slice(original.byteOffset, original.byteOffset + original.length),
  );
  const studyInstanceUid = '1.2.826.0.1.3680043.2.1125.66.1';
  const set = (tag: string, vr: string, value: unknown) => (message.dict[tag] = { vr, Value: [value] });
  set('00100010', 'PN', { Alphabetic: XSS.patientName });
  set('00100020', 'LO', 'XSS-1');
  set('00081030', 'LO', XSS.studyDescription);
  set('0008103E', 'LO', XSS.seriesDescription);
  set('00080080', 'LO', XSS.institutionName);
  set('0020000D', 'UI', studyInstanceUid);
  set('00080018', 'UI', '1.2.826.0.1.3680043.2.1125.66.3');
  message.meta['00020003'] = { vr: 'UI', Value: ['1.2.826.0.1.3680043.2.1125.66.3'] };
  return { file: Buffer.from(message.write()), studyInstanceUid };
}

/** Everything a page did that a payload could have caused: dialogs, the flags, injected elements, page errors. */
function guard(page: Page): { dialogs: string[]; errors: string[] } {
  const seen = { dialogs: [] as string[], errors: [] as string[] };
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => seen.errors.push(e.message));
  return seen;
}

async function expectNoScriptRan(page: Page, seen: { dialogs: string[]; errors: string[] }): Promise<void> {
  // Give an onerror or onload handler the time it would need to fire.
  await page.waitForTimeout(300);
  expect(seen.dialogs).toEqual([]);
  expect(await page.evaluate(() => (globalThis as { __xss?: unknown }).__xss)).toBeUndefined();
  expect(await page.locator('img[src="x"], svg[onload], iframe, b[onmouseover]').count()).toBe(0);
  expect(await page.locator('body script').count()).toBe(0);
  expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
}

describe('the web console in Chromium shows hostile DICOM names and texts as text, running none of them', () => {
  let t: TestApp;
  let a: Tenant;
  let browser: Browser;
  let base: string;
  let studyId: string;
  let c: ConsultationFixture;

  const logIn = (role: 'clinic_doctor' | 'reader' | 'senior_reader') =>
    logInToConsole(browser, base, { username: a.usernames[role], password: a.passwords[role] });

  beforeAll(async () => {
    ({ t, a, base, browser } = await startConsoleHub());
    const ct = await hostileCt();
    await request(t.http)
      .post('/dicomweb/studies')
      .set('Content-Type', stowContentType('x'))
      .auth(a.tokens.clinic_doctor, { type: 'bearer' })
      .send(multipartRelated([{ body: ct.file }], 'x'))
      .expect(200);
    const [study] = await t.sql<{ id: string }>('SELECT id FROM studies WHERE study_instance_uid = $1', [
      ct.studyInstanceUid,
    ]);
    studyId = study!.id;
    await request(t.http)
      .post('/api/requests')
      .auth(a.tokens.clinic_doctor, { type: 'bearer' })
      .send({ studyInstanceUid: ct.studyInstanceUid, priority: 'stat', clinicalNotes: XSS.clinicalNotes })
      .expect(201);
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('sends a strict Content-Security-Policy with the console', async () => {
    const res = await request(t.http).get('/').expect(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(csp).toMatch(/frame-ancestors 'self'/);
    expect(csp).toMatch(/script-src-attr 'none'/);
    // No inline script on the console's pages: only Swagger UI, at /docs, has them.
    expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    const docs = await request(t.http).get('/docs/').expect(200);
    expect(String(docs.headers['content-security-policy'])).toMatch(/script-src 'self' 'unsafe-inline'/);
  });

  it('worklist, task page, viewer and report view show the names literally', async () => {
    const reader = await logIn('reader');
    const readerSeen = guard(reader);
    await reader.getByLabel('中心').selectOption({ label: 'Regional imaging centre' });
    const row = reader.getByTestId('queue-row').first();
    await row.waitFor();
    await row.getByText(XSS.patientName, { exact: false }).waitFor();
    await row.getByText(XSS.studyDescription).waitFor();
    await expectNoScriptRan(reader, readerSeen);

    await reader.getByRole('button', { name: '领取下一个' }).click();
    await reader.waitForURL(/\/reader\/tasks\//);
    await reader.getByTestId('study-viewer').getByText('图像 1 / 1').waitFor({ timeout: 20_000 });
    await reader.getByText(XSS.clinicalNotes).first().waitFor();
    await reader.getByLabel('检查所见').fill(XSS.findings);
    await reader.getByLabel('诊断意见').fill(XSS.impression);
    await reader
      .getByTestId('autosave')
      .getByText(/已自动保存/)
      .waitFor();
    await reader.getByRole('button', { name: '提交审核' }).click();
    await reader.getByTestId('state').getByText('待审核').waitFor();
    await saveScreenshot(reader, '40-hostile-text-reader');
    await expectNoScriptRan(reader, readerSeen);

    const senior = await logIn('senior_reader');
    const seniorSeen = guard(senior);
    await senior.getByLabel('中心').selectOption({ label: 'Regional imaging centre' });
    await senior.getByRole('button', { name: '领取待审核报告' }).click();
    await senior.waitForURL(/\/reader\/tasks\//);
    await senior.getByRole('button', { name: '签发报告' }).click();
    await senior.getByText('报告已签发').waitFor();
    await expectNoScriptRan(senior, seniorSeen);

    const clinic = await logIn('clinic_doctor');
    const clinicSeen = guard(clinic);
    await clinic.getByRole('link', { name: '申请' }).first().click();
    await clinic.getByTestId('request-row').first().waitFor();
    await clinic.getByTestId('request-row').first().getByRole('link').first().click();
    await clinic.waitForURL(/\/clinic\/requests\/[0-9a-f-]{36}$/);
    const report = clinic.getByTestId('report');
    await report.getByText(XSS.findings).waitFor();
    await clinic.getByTestId('impression').getByText(XSS.impression).waitFor();
    await report.getByText(XSS.patientName, { exact: false }).waitFor();
    await saveScreenshot(clinic, '41-hostile-text-report');
    await expectNoScriptRan(clinic, clinicSeen);
  }, 180_000);

  it('shows hostile chat text in the MDT room literally, to the sender and the other specialist', async () => {
    c = await openConsultation(t, a, { studyId });
    const chair = await logInToConsole(browser, base, c.chair);
    const chairSeen = guard(chair);
    await enterRoom(chair, c.id);
    const specialist = await logInToConsole(browser, base, c.specialist);
    const specialistSeen = guard(specialist);
    await enterRoom(specialist, c.id);

    await chair.getByLabel('输入消息').fill(XSS.chat);
    await chair.getByRole('button', { name: '发送' }).click();
    for (const page of [chair, specialist]) {
      await page.getByTestId('chat-line').getByText(XSS.chat, { exact: false }).waitFor({ timeout: 15_000 });
    }
    await saveScreenshot(specialist, '42-hostile-text-mdt');
    await expectNoScriptRan(chair, chairSeen);
    await expectNoScriptRan(specialist, specialistSeen);
  }, 120_000);
});
