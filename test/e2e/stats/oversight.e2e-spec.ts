import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CentreOversightRow, ClinicOversightRow, OversightDay } from '@hub/contracts';
import { getAs } from '../../support/http.js';
import { seedOversightActivity } from '../../support/oversight.js';
import { createTenant, type Tenant } from '../../support/tenant.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

const DAY_MS = 86_400_000;
const chinaDay = (at: Date) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);

describe('Oversight: turnaround, SLA compliance, queue depth and volumes per centre, clinic and day', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  /** Yesterday and today (China): the seeded requests were moved back at most 50 minutes. */
  let window: string;

  const get = (view: string, token: string | null, query = window) => getAs(t, `/api/oversight/${view}${query}`, token);

  beforeAll(async () => {
    t = await startTestApp();
    [a, b] = [await createTenant(t), await createTenant(t)];
    await seedOversightActivity(t, a);
    // The same activity in another consortium: counted into a's figures, it would double them.
    await seedOversightActivity(t, b, 1);
    const now = new Date();
    window = `?from=${chinaDay(new Date(now.getTime() - DAY_MS))}&to=${chinaDay(now)}`;
  }, 180_000);
  afterAll(async () => {
    await t.close();
  });

  it('per centre: queue depth now, requests, signatures, turnaround p50/p90, SLA compliance, breaches, returns', async () => {
    const body = (await get('centres', a.tokens.coordinator).expect(200)).body;
    expect(body).toMatchObject({ from: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), generatedAt: expect.any(String) });
    const centres = body.centres as CentreOversightRow[];
    expect(centres.map((c) => c.discipline)).toEqual(['imaging', 'ecg', 'lab', 'pathology']);
    expect(centres.map((c) => c.centreId).sort()).toEqual(Object.values(a.centreIds).sort());
    const ecg = centres.find((c) => c.discipline === 'ecg')!;
    expect(ecg).toEqual({
      centreId: a.centreIds.ecg,
      name: 'Regional ECG centre',
      discipline: 'ecg',
      hostInstitution: { id: a.leadHospitalId, name: expect.any(String) },
      slaMinutes: { stat: expect.any(Number), urgent: expect.any(Number), routine: expect.any(Number) },
      queue: { stat: 0, urgent: 1, routine: 1, total: 2, overdue: 1 },
      requested: 6,
      signed: 3,
      signedWithinSla: 2,
      slaCompliance: 0.6667,
      // Signed 50 minutes after a 30-minute SLA, and the open routine task past its due time.
      breached: 2,
      returned: 1,
      // 10, 20, 50 minutes: the median, and the 90th percentile interpolated (20 + 0.8 × 30).
      turnaroundMinutes: { p50: 20, p90: 44 },
    });
    const imaging = centres.find((c) => c.discipline === 'imaging')!;
    expect(imaging).toMatchObject({
      queue: { stat: 0, urgent: 0, routine: 0, total: 0, overdue: 0 },
      signed: 0,
      slaCompliance: null,
      turnaroundMinutes: { p50: null, p90: null },
    });
  });

  it('counts only the window: an earlier window has the open queue but none of the activity', async () => {
    const longAgo = (await get('centres', a.tokens.auditor, '?from=2020-01-01&to=2020-01-31').expect(200)).body;
    const ecg = (longAgo.centres as CentreOversightRow[]).find((c) => c.discipline === 'ecg')!;
    expect(ecg).toMatchObject({
      queue: { total: 2, overdue: 1 },
      requested: 0,
      signed: 0,
      breached: 0,
      returned: 0,
      slaCompliance: null,
    });
  });

  it('per institution: studies, requests, signed reports, recognition look-ups, decisions and rate', async () => {
    const clinics = (await get('clinics', a.tokens.admin).expect(200)).body.clinics as ClinicOversightRow[];
    expect(clinics.map((c) => c.institutionId).sort()).toEqual([a.leadHospitalId, ...a.clinicIds].sort());
    expect(clinics[0]).toMatchObject({ institutionId: a.leadHospitalId, level: 'tertiary', studies: 0 });
    const byId = new Map(clinics.map((c) => [c.institutionId, c]));
    expect(byId.get(a.clinicIds[0])).toMatchObject({
      studies: 6,
      requests: 6,
      signedReports: 3,
      lookups: 0,
      decisions: 0,
      recognitionRate: null,
    });
    expect(byId.get(a.clinicIds[1])).toMatchObject({
      studies: 0,
      requests: 0,
      signedReports: 0,
      lookups: 2,
      decisions: 2,
      recognised: 1,
      recognitionRate: 0.5,
    });
  });

  it('per day: every day of the window, zeros included, adding up to the window', async () => {
    const days = (await get('daily', a.tokens.coordinator).expect(200)).body.days as OversightDay[];
    expect(days).toHaveLength(2);
    const sum = (key: keyof OversightDay) => days.reduce((acc, d) => acc + Number(d[key]), 0);
    expect({
      studies: sum('studies'),
      requests: sum('requests'),
      signed: sum('signed'),
      signedWithinSla: sum('signedWithinSla'),
      lookups: sum('lookups'),
      decisions: sum('decisions'),
      recognised: sum('recognised'),
    }).toEqual({ studies: 6, requests: 6, signed: 3, signedWithinSla: 2, lookups: 2, decisions: 2, recognised: 1 });
    const today = days[1]!;
    expect(today.day).toBe(chinaDay(new Date()));
    const year = (await get('daily', a.tokens.coordinator, '?from=2025-01-01&to=2025-12-31').expect(200)).body.days;
    expect(year).toHaveLength(365);
    expect(year[59]).toEqual({
      day: '2025-03-01',
      studies: 0,
      requests: 0,
      signed: 0,
      signedWithinSla: 0,
      turnaroundP50Minutes: null,
      lookups: 0,
      decisions: 0,
      recognised: 0,
    });
  });

  it('shows each consortium only its own figures', async () => {
    const centres = (await get('centres', b.tokens.coordinator).expect(200)).body.centres as CentreOversightRow[];
    expect(centres.map((c) => c.centreId).sort()).toEqual(Object.values(b.centreIds).sort());
    expect(centres.find((c) => c.discipline === 'ecg')).toMatchObject({ signed: 3, requested: 6 });
    const clinics = (await get('clinics', b.tokens.coordinator).expect(200)).body.clinics as ClinicOversightRow[];
    expect(clinics.map((c) => c.institutionId).sort()).toEqual([b.leadHospitalId, ...b.clinicIds].sort());
  });

  it('is for coordinators, administrators and auditors of a consortium; refusals are audited', async () => {
    for (const view of ['centres', 'clinics', 'daily']) {
      await get(view, null).expect(401);
      for (const role of ['clinic_doctor', 'clinic_technician', 'reader', 'senior_reader', 'specialist'] as const) {
        await get(view, a.tokens[role]).expect(403);
      }
      // The platform administrator belongs to no consortium.
      const platform = await get(view, a.platformAdminToken).expect(403);
      expect(platform.body.message).toMatch(/consortium's coordinators, administrators and auditors/);
    }
    const [denied] = await t.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_events WHERE action LIKE 'oversight.%' AND outcome = 'denied'",
    );
    expect(denied!.n).toBe(3);
  });

  it('refuses windows that are not calendar days, reversed or longer than 366 days, saying why', async () => {
    const refused = async (query: string, message: RegExp) => {
      const res = await get('centres', a.tokens.coordinator, query).expect(400);
      expect(res.body.message).toMatch(message);
    };
    await refused('?from=2026-1-1', /from must be a calendar day, YYYY-MM-DD/);
    await refused('?to=yesterday', /to must be a calendar day/);
    await refused('?from=2026-02-30&to=2026-03-01', /from must be a calendar day.*2026-02-30/);
    await refused('?from=2026-01-01&to=2026-13-01', /to must be a calendar day/);
    await refused('?from=2026-06-02&to=2026-06-01', /from \(2026-06-02\) is after to \(2026-06-01\)/);
    await refused('?from=2025-01-01&to=2026-01-02', /at most 366 days/);
    await refused(`?from=${'2'.repeat(5000)}`, /from must be a calendar day/);
    await refused('?from=2026-01-01&from=2026-01-02', /from must be a calendar day/);
    await refused('?from=2026-01-01&centre=x', /property centre should not exist/);
    await get('clinics', a.tokens.coordinator, '?from=2026-01-01&to=2026-02-30').expect(400);
    await get('daily', a.tokens.coordinator, '?from=2024-01-01&to=2024-12-31').expect(200);
    // Left out: the last 30 days.
    const defaults = (await get('daily', a.tokens.coordinator, '').expect(200)).body;
    expect(defaults.days).toHaveLength(30);
    expect(defaults.to).toBe(chinaDay(new Date()));
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await getAs(t, '/docs/openapi.json', null).expect(200)).body;
    for (const view of ['centres', 'clinics', 'daily']) {
      expect(doc.paths[`/api/oversight/${view}`].get.parameters.map((p: { name: string }) => p.name)).toEqual(
        expect.arrayContaining(['from', 'to']),
      );
    }
  });
});
