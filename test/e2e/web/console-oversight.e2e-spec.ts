import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { CentresOversight, ClinicsOversight } from '@hub/contracts';
import { getAs } from '../../support/http.js';
import { type OversightActivity, seedOversightActivity } from '../../support/oversight.js';
import { addUser } from '../../support/reading.js';
import { residentId, signedEcg } from '../../support/recognition.js';
import type { Tenant } from '../../support/tenant.js';
import type { TestApp } from '../../support/test-app.js';
import { type ConsoleHub, logInToConsole, saveScreenshot as shot, startConsoleHub } from '../../support/web-console.js';

describe('the web console in Chromium: oversight dashboard and the clinic recognition look-up', () => {
  let hub: ConsoleHub;
  let t: TestApp;
  let a: Tenant;
  let activity: OversightActivity;
  let browser: Browser;
  let base: string;

  /** The numbers a table row shows, by the field each cell is marked with. */
  const rowFigures = (row: ReturnType<Page['locator']>) =>
    row
      .locator('td[data-field]')
      .evaluateAll((cells) =>
        Object.fromEntries(cells.map((c) => [c.getAttribute('data-field'), (c.textContent ?? '').trim()])),
      );
  const share = (s: number | null) => (s === null ? '—' : `${(s * 100).toFixed(1)}%`);

  beforeAll(async () => {
    hub = await startConsoleHub();
    ({ t, a, base, browser } = hub);
    // A prior ECG of the same person from the third clinic, which has passed no QC: shown, but not recognisable.
    const third = await addUser(t, a, { role: 'clinic_doctor', institutionId: a.clinicIds[2] });
    await signedEcg(t, a, third.token, { localId: 'C3-OV', nationalId: residentId(0), performedAt: new Date() });
    activity = await seedOversightActivity(t, a);
  }, 600_000);
  afterAll(async () => {
    await hub?.close();
  });

  it("shows a coordinator the consortium's figures in charts and in tables that match the API", async () => {
    const page = await logInToConsole(browser, base, {
      username: a.usernames.coordinator,
      password: a.passwords.coordinator,
    });
    // Charts drawn at once (no animation), so the screenshots show the final bars.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.getByRole('link', { name: '运行监管' }).click();
    await page.getByRole('heading', { name: /运行监管/ }).waitFor();
    await page.getByTestId('centre-row').first().waitFor();
    // Five charts, each drawn on its canvas.
    await expect(page.getByTestId('chart').locator('canvas').count()).resolves.toBe(5);

    // The page's default period is the API's: the last 30 China days.
    const centres = (await getAs(t, '/api/oversight/centres', a.tokens.coordinator).expect(200))
      .body as CentresOversight;
    await expect(page.getByTestId('period').textContent()).resolves.toContain(`${centres.from} 至 ${centres.to}`);
    for (const c of centres.centres) {
      const shown = await rowFigures(page.locator(`[data-testid=centre-row][data-centre="${c.centreId}"]`));
      expect(shown).toEqual({
        stat: String(c.queue.stat),
        urgent: String(c.queue.urgent),
        routine: String(c.queue.routine),
        overdue: String(c.queue.overdue),
        requested: String(c.requested),
        signed: String(c.signed),
        turnaround: `${c.turnaroundMinutes.p50 ?? '—'} / ${c.turnaroundMinutes.p90 ?? '—'}`,
        slaCompliance: share(c.slaCompliance),
        breached: String(c.breached),
        returned: String(c.returned),
      });
    }
    // The seeded day: four ECGs signed (one late), one returned, two open of which one is overdue.
    const ecg = await rowFigures(page.locator(`[data-testid=centre-row][data-centre="${a.centreIds.ecg}"]`));
    expect(ecg).toMatchObject({ urgent: '1', routine: '1', overdue: '1', signed: '4', slaCompliance: '75.0%' });
    expect(ecg).toMatchObject({ breached: '2', returned: '1' });

    const clinics = (await getAs(t, '/api/oversight/clinics', a.tokens.coordinator).expect(200))
      .body as ClinicsOversight;
    for (const c of clinics.clinics) {
      const shown = await rowFigures(page.locator(`[data-testid=clinic-row][data-institution="${c.institutionId}"]`));
      expect(shown).toEqual({
        studies: String(c.studies),
        requests: String(c.requests),
        signedReports: String(c.signedReports),
        lookups: String(c.lookups),
        decisions: String(c.decisions),
        recognised: String(c.recognised),
        recognitionRate: share(c.recognitionRate),
      });
    }
    const receiving = await rowFigures(page.locator(`[data-testid=clinic-row][data-institution="${a.clinicIds[1]}"]`));
    expect(receiving).toMatchObject({ lookups: '2', decisions: '2', recognised: '1', recognitionRate: '50.0%' });
    // GET /api/recognition/stats, per item: ECG-12 decided twice, recognised once.
    await expect(page.getByTestId('recognition-items').locator('tbody tr').first().textContent()).resolves.toMatch(
      /^ECG-12\s*2\s*1\s*50\.0%/,
    );
    await shot(page, '30-oversight-dashboard');

    // Another period: the hub answers for it, and a window of last year holds none of today's activity.
    await page.getByLabel('自').fill('2025-01-01');
    await page.getByLabel('至').fill('2025-01-31');
    await page.getByRole('button', { name: '查询' }).click();
    await page
      .getByTestId('period')
      .getByText(/2025-01-01 至 2025-01-31/)
      .waitFor();
    await expect(
      rowFigures(page.locator(`[data-testid=centre-row][data-centre="${a.centreIds.ecg}"]`)),
    ).resolves.toMatchObject({ signed: '0', urgent: '1', slaCompliance: '—' });
    // In English, the charts are drawn again with the new names.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: /^Oversight/ }).waitFor();
    await page.getByRole('button', { name: 'Last 7 days' }).click();
    await page
      .getByTestId('period')
      .getByText(/China calendar days/)
      .waitFor();
    await expect(page.getByTestId('chart').locator('canvas').count()).resolves.toBe(5);
    await shot(page, '33-oversight-english');
    await page.context().close();
  });

  it('lets a clinic doctor look up prior results before ordering and record "not recognised" with a reason', async () => {
    const page = await logInToConsole(browser, base, activity.receiving);
    await page.getByRole('link', { name: '互认查询' }).click();
    await page.getByLabel('本院患者号').fill(activity.receivingLocalId);
    await page.getByRole('button', { name: '查找患者' }).click();
    await page
      .getByTestId('patient')
      .getByText(/互认 测试/)
      .waitFor();
    await page.getByLabel('拟开具的项目').selectOption('ECG-12');
    await page.getByRole('button', { name: '查询', exact: true }).click();

    const lookup = page.getByTestId('lookup');
    await lookup.waitFor();
    const recognisable = page.getByTestId('recognisable-row');
    await expect(recognisable.count()).resolves.toBe(1);
    await expect(recognisable.locator('.hr-mark').textContent()).resolves.toMatch(/HR$/);
    await expect(recognisable.textContent()).resolves.toContain('Township clinic 1');
    const notRecognisable = page.getByTestId('not-recognisable-row');
    await expect(notRecognisable.textContent()).resolves.toMatch(/Township clinic 3.*检查机构当时未通过质控/);
    const serial = /HR-\d{8}-\d{8}/.exec((await lookup.locator('h2').textContent()) ?? '')?.[0];
    expect(serial).toBeDefined();

    await recognisable.getByRole('button', { name: '记录互认决定' }).click();
    await page.getByLabel('不予互认').check();
    await page.getByLabel('不予互认原因').selectOption('condition_changed');
    await page.getByRole('textbox', { name: /^说明/ }).fill('胸痛加重，需复查心电图');
    await page.getByLabel('已向患者说明').check();
    await shot(page, '31-clinic-recognition-lookup');
    await page.getByRole('button', { name: '记录决定' }).click();
    await page.getByTestId('decided').getByText('不予互认 · 病情变化，结果与临床表现不符').waitFor();
    await shot(page, '32-clinic-recognition-decided');

    const rows = await t.sql(
      `SELECT d.decision, d.reason_code, d.note, d.patient_informed, d.institution_id
         FROM recognition_decisions d JOIN recognition_lookups l ON l.id = d.lookup_id WHERE l.serial = $1`,
      [serial],
    );
    expect(rows).toEqual([
      {
        decision: 'not_recognised',
        reason_code: 'condition_changed',
        note: '胸痛加重，需复查心电图',
        patient_informed: true,
        institution_id: a.clinicIds[1],
      },
    ]);
    await page.context().close();
  });

  it("opens the look-up for a request's patient from the request page", async () => {
    const page = await logInToConsole(browser, base, {
      username: a.usernames.clinic_doctor,
      password: a.passwords.clinic_doctor,
    });
    await page.getByTestId('request-row').first().getByRole('link', { name: '查看' }).click();
    await page.getByRole('link', { name: '查询可互认的既往结果' }).click();
    await page.waitForURL(/\/clinic\/recognition\?patient=[0-9a-f-]{36}$/);
    await page.getByTestId('patient').waitFor();
    await page.getByLabel('拟开具的项目').selectOption('ECG-12');
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await page.getByTestId('lookup').waitFor();
    await page.context().close();
  });
});
