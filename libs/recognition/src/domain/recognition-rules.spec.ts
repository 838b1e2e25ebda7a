import { describe, expect, it } from '@jest/globals';
import { testActor } from '../../../../test/support/actors.js';
import { decisionProblems } from './not-recognised-reasons.js';
import { mayAdministerRecognition, mayLookUpFor, mayViewStatistics } from './recognition-access.js';
import { chinaMonth } from '@hub/core';
import { addMonths, hrMark, judge, lookupSerial, validUntil } from './recognisability.js';

const DAY = 86_400_000;
const performedAt = new Date('2026-11-01T02:00:00Z');
const item = { validityDays: 7, active: true, discipline: 'ecg' } as const;
const standing = { performedAt, withdrawnAt: null, discipline: 'ecg', item, qcPassed: true } as const;

describe('recognisability', () => {
  it('is valid for the item’s days from when the result was performed, and not a moment longer', () => {
    expect(validUntil(performedAt, 7)).toEqual(new Date(performedAt.getTime() + 7 * DAY));
    expect(judge(new Date(performedAt.getTime() + 7 * DAY - 1), standing)).toEqual({
      recognisable: true,
      validUntil: validUntil(performedAt, 7),
    });
    expect(judge(new Date(performedAt.getTime() + 7 * DAY), standing)).toMatchObject({
      recognisable: false,
      reason: 'expired',
    });
  });

  it('needs the item in the catalogue and QC passed when performed; a withdrawn result is never recognisable', () => {
    const now = new Date(performedAt.getTime() + DAY);
    const notInCatalogue = { recognisable: false, reason: 'not_in_catalogue', validUntil: null };
    expect(judge(now, { ...standing, item: null })).toEqual(notInCatalogue);
    expect(judge(now, { ...standing, item: { ...item, active: false } })).toEqual(notInCatalogue);
    // A CT item given to an ECG by mistake is not the ECG's item.
    expect(judge(now, { ...standing, item: { ...item, discipline: 'imaging' } })).toEqual(notInCatalogue);
    expect(judge(now, { ...standing, qcPassed: false })).toMatchObject({
      recognisable: false,
      reason: 'qc_not_passed',
    });
    expect(judge(now, { ...standing, withdrawnAt: now, qcPassed: false })).toMatchObject({ reason: 'withdrawn' });
    // QC failing is the more useful thing to tell than expiry.
    expect(judge(new Date(performedAt.getTime() + 30 * DAY), { ...standing, qcPassed: false })).toMatchObject({
      reason: 'qc_not_passed',
    });
  });

  it('marks with the consortium scope and numbers look-ups by China date', () => {
    expect(hrMark('通州区医共体')).toBe('通州区医共体HR');
    // 2026-11-21 17:00 UTC is already the 22nd in China.
    expect(lookupSerial(new Date('2026-11-21T17:00:00Z'), 42)).toBe('HR-20261122-00000042');
    expect(chinaMonth(new Date('2026-11-30T16:30:00Z'))).toBe('2026-12');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-11', 14)).toBe('2028-01');
  });
});

describe('decisions', () => {
  const base = { patientInformed: true };
  it('a recognised result needs no reason (and may not carry one)', () => {
    expect(decisionProblems({ ...base, decision: 'recognised' })).toEqual([]);
    expect(decisionProblems({ ...base, decision: 'recognised', reasonCode: 'emergency' })).toHaveLength(1);
  });

  it('not recognising needs a reason from the list, a note for "other", at most 200 characters, the patient told', () => {
    expect(decisionProblems({ ...base, decision: 'not_recognised', reasonCode: 'emergency' })).toEqual([]);
    expect(decisionProblems({ ...base, decision: 'not_recognised' })[0]).toMatch(/^reasonCode: say why/);
    expect(decisionProblems({ ...base, decision: 'not_recognised', reasonCode: 'whim' })[0]).toMatch(/one of/);
    expect(decisionProblems({ ...base, decision: 'not_recognised', reasonCode: 'other' })[0]).toMatch(/^note/);
    expect(decisionProblems({ ...base, decision: 'not_recognised', reasonCode: 'other', note: '术前复查' })).toEqual(
      [],
    );
    const long = '复'.repeat(201);
    expect(decisionProblems({ ...base, decision: 'not_recognised', reasonCode: 'emergency', note: long })[0]).toMatch(
      /at most 200 characters \(this one has 201\)/,
    );
    expect(
      decisionProblems({ ...base, decision: 'not_recognised', reasonCode: 'emergency', note: '复'.repeat(200) }),
    ).toEqual([]);
    expect(
      decisionProblems({ decision: 'not_recognised', reasonCode: 'emergency', patientInformed: false })[0],
    ).toMatch(/^patientInformed/);
  });
});

describe('who may look up and decide', () => {
  const patient = { consortiumId: 'cons-1', institutionIds: ['inst-a'] };
  it('doctors who order tests, for patients their institution registered in their consortium', () => {
    expect(mayLookUpFor(testActor(['clinic_doctor']), patient)).toBe(true);
    expect(mayLookUpFor(testActor(['specialist']), patient)).toBe(true);
    expect(mayLookUpFor(testActor(['clinic_technician']), patient)).toBe(false);
    expect(mayLookUpFor(testActor(['reader']), patient)).toBe(false);
    expect(mayLookUpFor(testActor(['clinic_doctor'], 'inst-b'), patient)).toBe(false);
    expect(mayLookUpFor(testActor(['clinic_doctor'], 'inst-a', 'cons-2'), patient)).toBe(false);
  });

  it('administrators keep the catalogue and QC; coordinators, administrators and auditors see statistics', () => {
    expect(mayAdministerRecognition(testActor(['admin']))).toBe(true);
    expect(mayAdministerRecognition(testActor(['admin'], null, null))).toBe(false);
    expect(mayAdministerRecognition(testActor(['coordinator']))).toBe(false);
    expect(mayViewStatistics(testActor(['auditor']))).toBe(true);
    expect(mayViewStatistics(testActor(['clinic_doctor']))).toBe(false);
  });
});
