import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { dicomFixture } from '../../fixtures/dicom-fixtures.js';
import { type ConsultationFixture, openConsultation } from '../../support/consultations.js';
import { multipartRelated, stowContentType } from '../../support/dicomweb.js';
import type { Tenant } from '../../support/tenant.js';
import type { TestApp } from '../../support/test-app.js';
import { enterRoom, logInToConsole, saveScreenshot, startConsoleHub } from '../../support/web-console.js';

describe('the web console in Chromium: two specialists in one live MDT room', () => {
  let t: TestApp;
  let a: Tenant;
  let browser: Browser;
  let base: string;
  let c: ConsultationFixture;

  const logIn = (who: { username: string; password: string }) => logInToConsole(browser, base, who);

  beforeAll(async () => {
    ({ t, a, base, browser } = await startConsoleHub());
    // A CT image from the clinic, attached to the consultation, to annotate.
    const ct = dicomFixture('ct-small.dcm');
    await request(t.http)
      .post('/dicomweb/studies')
      .set('Content-Type', stowContentType('b'))
      .auth(a.tokens.clinic_doctor, { type: 'bearer' })
      .send(multipartRelated([{ body: await readFile(ct.path) }], 'b'))
      .expect(200);
    const [study] = await t.sql<{ id: string }>('SELECT id FROM studies WHERE study_instance_uid = $1', [
      ct.studyInstanceUid,
    ]);
    c = await openConsultation(t, a, { studyId: study!.id });
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows each one the other’s presence, chat and annotation, live', async () => {
    const chair = await logIn(c.chair);
    await enterRoom(chair, c.id);
    const specialist = await logIn(c.specialist);
    await enterRoom(specialist, c.id);

    for (const page of [chair, specialist]) {
      await page.getByTestId('participant').nth(1).waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('participant').count()).toBe(2);
    }

    await chair.getByLabel('输入消息').fill('请看第 3 层，左肺下叶结节');
    await chair.getByRole('button', { name: '发送' }).click();
    await specialist.getByTestId('chat-line').getByText('请看第 3 层，左肺下叶结节').waitFor({ timeout: 15_000 });
    await specialist.getByLabel('输入消息').fill('同意，建议增强 CT');
    await specialist.getByRole('button', { name: '发送' }).click();
    await chair.getByTestId('chat-line').getByText('同意，建议增强 CT').waitFor({ timeout: 15_000 });

    // The specialist marks a point on the CT image in the viewer; the chair sees the note listed and drawn.
    await specialist.getByTestId('study-viewer').getByText('图像 1 / 1').waitFor({ timeout: 15_000 });
    await specialist.getByRole('button', { name: '放置标注' }).click();
    await specialist.getByTestId('annotation-overlay').click({ position: { x: 200, y: 140 } });
    await specialist.getByLabel('标注内容').fill('结节 8 mm');
    await specialist.getByRole('button', { name: '添加标注' }).click();
    await chair.getByTestId('annotation').getByText('结节 8 mm').waitFor({ timeout: 15_000 });
    await chair.getByTestId('annotation-marker').filter({ hasText: '结节 8 mm' }).waitFor({ timeout: 15_000 });

    await specialist.getByRole('button', { name: '举手发言' }).click();
    await chair.getByTitle('举手').waitFor({ timeout: 15_000 });

    await saveScreenshot(chair, '10-mdt-room-chair');
    await saveScreenshot(specialist, '11-mdt-room-specialist');

    // What the browsers showed is what the room's log holds, in order.
    const rows = await t.sql<{ type: string }>(
      `SELECT type FROM consultation_events WHERE consultation_id = $1 AND type IN ('chat.message', 'annotation.added',
         'hand.raised') ORDER BY seq`,
      [c.id],
    );
    expect(rows.map((r) => r.type)).toEqual(['chat.message', 'chat.message', 'annotation.added', 'hand.raised']);
  });
});
