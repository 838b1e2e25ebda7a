import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { addUser, uploadEcgStudy } from '../../support/reading.js';
import type { Tenant } from '../../support/tenant.js';
import type { TestApp } from '../../support/test-app.js';
import { enterRoom, logInToConsole, saveScreenshot as shot, startConsoleHub } from '../../support/web-console.js';

const LIVE_MS = 15_000;

type Specialist = Awaited<ReturnType<typeof addUser>>;

// Page-side checks as expressions (the tests compile without the DOM's types).
const videoTracksLive = (selector: string) =>
  `(() => { const s = document.querySelector(${JSON.stringify(selector)})?.srcObject;
     return !!s && s.getVideoTracks().some((track) => track.readyState === 'live'); })()`;
/** Polls an expression in the page from here (the console's CSP forbids the page-side polling of waitForFunction). */
async function until(page: Page, expression: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
const audioTracksEnabled = (selector: string) =>
  `document.querySelector(${JSON.stringify(selector)}).srcObject.getAudioTracks().some((track) => track.enabled)`;

describe('the web console in Chromium: a consultation from request to signed conclusion, with audio/video', () => {
  let t: TestApp;
  let a: Tenant;
  let browser: Browser;
  let base: string;
  let chair: Specialist;
  let specialist: Specialist;
  let consultationId: string;
  const pages: Record<string, Page> = {};

  const asRole = (role: 'clinic_doctor' | 'coordinator') =>
    logInToConsole(browser, base, { username: a.usernames[role], password: a.passwords[role] });
  const stateIs = (page: Page, label: string) =>
    page.getByTestId('consultation-state').getByText(label, { exact: true }).waitFor({ timeout: LIVE_MS });

  beforeAll(async () => {
    ({ t, a, base, browser } = await startConsoleHub({ fakeMedia: true }));
    // The clinic's study, sent for reading: the consultation form finds the clinic's studies through its requests.
    const studyId = await uploadEcgStudy(t, a.tokens.clinic_doctor, `CONSULT-${a.code}`);
    await request(t.http)
      .post('/api/requests')
      .auth(a.tokens.clinic_doctor, { type: 'bearer' })
      .send({ studyId, priority: 'routine' })
      .expect(201);
    chair = await addUser(t, a, { role: 'specialist' });
    specialist = await addUser(t, a, { role: 'specialist' });
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the clinic doctor requests a consultation about a patient of one of its studies, with the consent', async () => {
    const doctor = (pages.doctor = await asRole('clinic_doctor'));
    await doctor.getByRole('link', { name: '会诊', exact: true }).click();
    await doctor.getByRole('link', { name: '申请会诊' }).click();
    await doctor.getByTestId('pick-study').first().check();
    await doctor.getByTestId('picked-patient').getByText('李^心').waitFor({ timeout: LIVE_MS });
    await doctor.getByLabel('会诊问题').fill('胸痛待查，是否需要冠脉介入？');
    await doctor.getByLabel('病情摘要').fill('男，62岁，反复胸痛3天，心电图 ST 段压低。');
    await doctor.getByLabel('申请科室').fill('心内科、影像科');
    await doctor.getByLabel('建议时间').fill('2030-06-01T09:30');
    await doctor.getByLabel('患者已签署会诊知情同意书').check();
    await doctor.getByLabel('说明（可选）').fill('知情同意书已存档');
    await shot(doctor, '12-consultation-request');
    await doctor.getByRole('button', { name: '提交会诊申请' }).click();
    await doctor.waitForURL(/\/consultations\/[0-9a-f-]{36}$/);
    consultationId = doctor.url().split('/').pop()!;
    await stateIs(doctor, '已申请');
    await doctor
      .getByTestId('consent')
      .getByText(/已记录/)
      .waitFor();
    expect(await doctor.getByTestId('materials').locator('li').count()).toBe(1);

    const [row] = await t.sql<{ kind: string; patient_id: string; requested_specialties: string[]; consent: boolean }>(
      `SELECT kind, patient_id, requested_specialties, consent_recorded_at IS NOT NULL AS consent
         FROM consultations WHERE id = $1`,
      [consultationId],
    );
    expect(row).toMatchObject({ kind: 'mdt', requested_specialties: ['心内科', '影像科'], consent: true });
  });

  it('the coordinator invites the chair and a specialist, schedules and starts it', async () => {
    const coordinator = (pages.coordinator = await asRole('coordinator'));
    await coordinator
      .getByTestId('consultation-row')
      .getByRole('link', { name: /胸痛待查/ })
      .click();
    await stateIs(coordinator, '已申请');
    const invite = async (who: Specialist, role: '主持专家' | '专家', specialty: string) => {
      await coordinator.locator('select[name="invitee"]').selectOption(who.id);
      await coordinator.getByLabel('角色').selectOption({ label: role });
      await coordinator.getByLabel('专业').fill(specialty);
      await coordinator.getByRole('button', { name: '邀请', exact: true }).click();
      await coordinator.getByTestId('invited-row').filter({ hasText: specialty }).waitFor({ timeout: LIVE_MS });
    };
    await invite(chair, '主持专家', '心内科');
    await invite(specialist, '专家', '影像科');
    expect(await coordinator.getByTestId('invited-row').count()).toBe(3); // the requesting doctor, chair, specialist

    await coordinator.getByLabel('会诊时间').fill('2030-06-01T10:00');
    await coordinator.getByRole('button', { name: '排期', exact: true }).click();
    await stateIs(coordinator, '已排期');
    await shot(coordinator, '13-consultation-coordinator');
    await coordinator.getByRole('button', { name: '开始会诊' }).click();
    await stateIs(coordinator, '进行中');

    const [row] = await t.sql<{ state: string; scheduled_at: Date }>(
      'SELECT state, scheduled_at FROM consultations WHERE id = $1',
      [consultationId],
    );
    expect(row!.state).toBe('live');
    // 10:00 in the browser's zone, whatever the zone is: the console sends the moment, not the wall-clock text.
    expect(row!.scheduled_at.getTime()).toBe(new Date('2030-06-01T10:00').getTime());
  });

  it('in the room the two see and hear each other over WebRTC signalled through the hub', async () => {
    const chairPage = (pages.chair = await logInToConsole(browser, base, chair));
    await enterRoom(chairPage, consultationId);
    const specialistPage = (pages.specialist = await logInToConsole(browser, base, specialist));
    await enterRoom(specialistPage, consultationId);
    for (const page of [chairPage, specialistPage]) await page.getByTestId('participant').nth(1).waitFor();

    await chairPage.getByRole('button', { name: '加入音视频' }).click();
    await chairPage.getByTestId('local-video').waitFor();
    await specialistPage.getByRole('button', { name: '加入音视频' }).click();

    for (const [page, other] of [
      [chairPage, specialist],
      [specialistPage, chair],
    ] as const) {
      const tile = page.locator(`[data-testid=remote-video][data-user-id="${other.id}"]`);
      await tile.and(page.locator('[data-state=connected]')).waitFor({ timeout: 30_000 });
      // The remote video element plays the other side's camera: a stream with a live video track.
      await until(page, videoTracksLive(`[data-testid=remote-video][data-user-id="${other.id}"] video`), LIVE_MS);
    }

    // Mute and camera toggles act on the local tracks.
    await chairPage.getByRole('button', { name: '静音' }).click();
    expect(await chairPage.evaluate(audioTracksEnabled('[data-testid=local-video] video'))).toBe(false);
    await chairPage.getByRole('button', { name: '取消静音' }).click();

    // Hanging up stops sending: the specialist's tile of the chair goes, the chair still sees the specialist; joining
    // again renegotiates on the same connection.
    const chairTile = specialistPage.locator(`[data-testid=remote-video][data-user-id="${chair.id}"]`);
    await chairPage.getByRole('button', { name: '挂断' }).click();
    await chairTile.waitFor({ state: 'detached', timeout: LIVE_MS });
    expect(await chairPage.getByTestId('remote-video').count()).toBe(1);
    await chairPage.getByRole('button', { name: '加入音视频' }).click();
    await until(
      specialistPage,
      videoTracksLive(`[data-testid=remote-video][data-user-id="${chair.id}"] video`),
      LIVE_MS,
    );

    // Leaving the room hangs up with everyone: the chair's tile of the specialist goes. Then the specialist is back.
    await specialistPage.getByRole('link', { name: '会诊', exact: true }).click();
    await chairPage
      .locator(`[data-testid=remote-video][data-user-id="${specialist.id}"]`)
      .waitFor({ state: 'detached', timeout: LIVE_MS });
    await enterRoom(specialistPage, consultationId);
  });

  it('the chair drafts the conclusion live, signs it, and both see it signed; the coordinator ends it', async () => {
    const { chair: chairPage, specialist: specialistPage, coordinator, doctor } = pages;
    const text = '考虑不稳定型心绞痛，建议冠脉造影，必要时介入治疗。';
    await chairPage!.getByLabel('会诊意见').fill(text.slice(0, 10));
    await specialistPage!.getByTestId('conclusion-draft').getByText(text.slice(0, 10)).waitFor({ timeout: LIVE_MS });
    await chairPage!.getByLabel('会诊意见').fill(text);
    await specialistPage!.getByTestId('conclusion-draft').getByText(text).waitFor({ timeout: LIVE_MS });
    await chairPage!.getByText('已同步给参会人员').waitFor({ timeout: LIVE_MS });
    await shot(chairPage!, '14-mdt-room-conclusion-chair');
    await shot(specialistPage!, '15-mdt-room-conclusion-specialist');

    const [{ display_name: chairName }] = (await t.sql<{ display_name: string }>(
      'SELECT display_name FROM users WHERE id = $1',
      [chair.id],
    )) as [{ display_name: string }];
    await chairPage!.getByRole('button', { name: '签署会诊意见' }).click();
    await chairPage!.getByRole('button', { name: '确认签署' }).click();
    // Signing is an HTTP call; the specialist's room hears of it as a conclusion.signed event.
    for (const page of [chairPage!, specialistPage!]) {
      const signed = page.getByTestId('signed-conclusion');
      await signed.waitFor({ timeout: LIVE_MS });
      await signed.getByText(text).waitFor();
      expect(await signed.getByTestId('signed-by').textContent()).toBe(chairName);
      expect(await signed.getByTestId('attendee').count()).toBe(2);
    }
    await shot(specialistPage!, '16-mdt-room-signed-specialist');

    await coordinator!.reload();
    await coordinator!.getByRole('button', { name: '结束会诊' }).click();
    await stateIs(coordinator!, '已结束');
    // Those still in the room are told at once that it closed.
    await specialistPage!.getByTestId('room-closed').getByText('会诊已结束').waitFor({ timeout: LIVE_MS });
    await doctor!.reload();
    await stateIs(doctor!, '已结束');
    await doctor!.getByTestId('signed-conclusion').getByText(text).waitFor();
    await shot(doctor!, '17-consultation-concluded-clinic');

    const [row] = await t.sql<{
      state: string;
      conclusion_text: string;
      signed_by: string;
      attendance: { userId: string }[];
    }>(
      `SELECT state, conclusion_text, conclusion_signed_by AS signed_by, attendance FROM consultations WHERE id = $1`,
      [consultationId],
    );
    expect(row).toMatchObject({ state: 'concluded', conclusion_text: text, signed_by: chair.id });
    expect(row!.attendance.map((x) => x.userId).sort()).toEqual([chair.id, specialist.id].sort());
    const drafts = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM consultation_events WHERE consultation_id = $1 AND type = 'conclusion.draft'`,
      [consultationId],
    );
    expect(drafts[0]!.n).toBeGreaterThanOrEqual(2);
  });
});
