import { describe, expect, it } from '@jest/globals';
import { DomainError } from '@hub/core';
import {
  assertConsentRecorded,
  canEditConclusion,
  canTransition,
  concludeRefusal,
  conclusionEditRefusal,
  conclusionSignRefusal,
  consentRefusal,
  CONSULTATION_ACTIONS,
  CONSULTATION_KIND_LABELS,
  CONSULTATION_KINDS,
  CONSULTATION_STATES,
  type ConsultationAction,
  type ConsultationState,
  ConsultationTransitionError,
  FINAL_CONSULTATION_STATES,
  guardedTransition,
  isOpenForJoin,
  joinRefusal,
  statesAllowing,
  transition,
  transitionRefusal,
} from './consultation-state.js';

/** Every allowed transition, written out independently of the table in consultation-state.ts. */
const ALLOWED: [ConsultationState, ConsultationAction, ConsultationState][] = [
  ['requested', 'schedule', 'scheduled'],
  ['scheduled', 'reschedule', 'scheduled'],
  ['scheduled', 'start', 'live'],
  ['live', 'conclude', 'concluded'],
  ['requested', 'cancel', 'cancelled'],
  ['scheduled', 'cancel', 'cancelled'],
];
const allowedKey = new Set(ALLOWED.map(([from, action]) => `${from}:${action}`));
const FORBIDDEN = CONSULTATION_STATES.flatMap((from) =>
  CONSULTATION_ACTIONS.filter((action) => !allowedKey.has(`${from}:${action}`)).map(
    (action) => [from, action] as const,
  ),
);

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('consultation state machine', () => {
  it('knows the two kinds, with their Chinese names', () => {
    expect(CONSULTATION_KINDS).toEqual(['remote', 'mdt']);
    expect(CONSULTATION_KIND_LABELS).toEqual({ remote: '远程会诊', mdt: '多学科会诊' });
  });

  it.each(ALLOWED)('%s --%s--> %s', (from, action, to) => {
    expect(canTransition(from, action)).toBe(true);
    expect(transitionRefusal(from, action)).toBeNull();
    expect(transition(from, action)).toBe(to);
  });

  it.each(FORBIDDEN)('%s refuses %s with a 409 that says why', (from, action) => {
    expect(canTransition(from, action)).toBe(false);
    const error = caught(() => transition(from, action));
    expect(error).toBeInstanceOf(ConsultationTransitionError);
    expect(error).toBeInstanceOf(DomainError);
    const e = error as ConsultationTransitionError;
    expect(e.kind).toBe('conflict');
    expect(e.from).toBe(from);
    expect(e.action).toBe(action);
    expect(e.details).toEqual({ state: from, action });
    expect(e.message).toMatch(new RegExp(`^Cannot ${action} this consultation: .{10,}`));
    expect(e.message).toBe(transitionRefusal(from, action));
  });

  it('covers every state × action pair exactly once between the two lists', () => {
    expect(ALLOWED.length + FORBIDDEN.length).toBe(CONSULTATION_STATES.length * CONSULTATION_ACTIONS.length);
    expect(FORBIDDEN).toHaveLength(19);
  });

  it('nothing leaves concluded or cancelled', () => {
    expect(FINAL_CONSULTATION_STATES).toEqual(['concluded', 'cancelled']);
    for (const state of FINAL_CONSULTATION_STATES) {
      for (const action of CONSULTATION_ACTIONS) expect(canTransition(state, action)).toBe(false);
    }
    expect(() => transition('concluded', 'reschedule')).toThrow(/has ended and its conclusion is signed/);
    expect(() => transition('cancelled', 'start')).toThrow(/was cancelled; request a new one/);
  });

  it('says what to do instead for the common mistakes', () => {
    expect(() => transition('live', 'cancel')).toThrow(/already live: the chair concludes it with a signed conclusion/);
    expect(() => transition('scheduled', 'schedule')).toThrow(/already scheduled: reschedule it/);
    expect(() => transition('requested', 'start')).toThrow(/record the informed consent and schedule it first/);
    expect(() => transition('scheduled', 'conclude')).toThrow(/has not started: start it/);
    expect(() => transition('requested', 'reschedule')).toThrow(/not been scheduled yet: schedule it first/);
  });

  it('lists the states each action is allowed from (for SQL guards)', () => {
    expect(statesAllowing('schedule')).toEqual(['requested']);
    expect(statesAllowing('reschedule')).toEqual(['scheduled']);
    expect(statesAllowing('start')).toEqual(['scheduled']);
    expect(statesAllowing('conclude')).toEqual(['live']);
    expect(statesAllowing('cancel')).toEqual(['requested', 'scheduled']);
  });
});

describe('informed consent before scheduling', () => {
  it.each([
    ['no consent object', undefined],
    ['null', null],
    ['recordedAt null', { recordedAt: null }],
    ['recordedAt empty', { recordedAt: '' }],
  ])('refuses scheduling with %s, saying who records it', (_label, consent) => {
    expect(consentRefusal(consent)).toMatch(/informed consent is not recorded\. The requesting doctor records/);
    const error = caught(() => assertConsentRecorded(consent)) as DomainError;
    expect(error).toBeInstanceOf(DomainError);
    expect(error.kind).toBe('conflict');
    expect(error.details).toEqual({ reason: 'consent_missing' });
  });

  it('refuses a consent whose time is not a date', () => {
    expect(consentRefusal({ recordedAt: 'yesterday-ish' })).toMatch(/not a valid date; record the consent again/);
  });

  it('accepts a recorded consent, as a Date or an ISO string', () => {
    expect(consentRefusal({ recordedAt: new Date('2026-11-22T08:00:00Z'), recordedByUserId: 'u1' })).toBeNull();
    expect(consentRefusal({ recordedAt: '2026-11-22T08:00:00Z' })).toBeNull();
    expect(() => assertConsentRecorded({ recordedAt: '2026-11-22T08:00:00Z' })).not.toThrow();
  });

  it('guardedTransition: schedule needs consent; the state is checked first', () => {
    expect(() => guardedTransition('requested', 'schedule')).toThrow(/informed consent is not recorded/);
    expect(guardedTransition('requested', 'schedule', { consent: { recordedAt: new Date() } })).toBe('scheduled');
    // Consent does not make an impossible transition possible, and the state's refusal comes first.
    expect(() => guardedTransition('cancelled', 'schedule', { consent: { recordedAt: new Date() } })).toThrow(
      ConsultationTransitionError,
    );
    expect(() => guardedTransition('scheduled', 'schedule')).toThrow(/already scheduled/);
  });

  it('guardedTransition: conclude needs a signed conclusion', () => {
    expect(concludeRefusal(false)).toMatch(/conclusion is not signed\. The chair signs the conclusion first/);
    expect(concludeRefusal(true)).toBeNull();
    const error = caught(() => guardedTransition('live', 'conclude', { conclusionSigned: false })) as DomainError;
    expect(error.kind).toBe('conflict');
    expect(error.details).toEqual({ reason: 'conclusion_unsigned' });
    expect(() => guardedTransition('live', 'conclude')).toThrow(/not signed/);
    expect(guardedTransition('live', 'conclude', { conclusionSigned: true })).toBe('concluded');
  });

  it('guardedTransition: the other actions need no facts', () => {
    expect(guardedTransition('scheduled', 'reschedule')).toBe('scheduled');
    expect(guardedTransition('scheduled', 'start')).toBe('live');
    expect(guardedTransition('requested', 'cancel')).toBe('cancelled');
  });
});

describe('joining the live room', () => {
  it.each([
    ['scheduled', { open: true }],
    ['live', { open: true }],
    ['requested', { open: false, reason: 'the consultation has not been scheduled yet' }],
    ['concluded', { open: false, reason: 'the consultation has ended' }],
    ['cancelled', { open: false, reason: 'the consultation was cancelled' }],
  ] as const)('%s → %j', (state, decision) => {
    expect(isOpenForJoin(state)).toEqual(decision);
    expect(joinRefusal(state)).toBe(decision.open ? null : decision.reason);
  });

  it('covers every state', () => {
    for (const state of CONSULTATION_STATES) expect(typeof isOpenForJoin(state).open).toBe('boolean');
  });
});

describe('editing and signing the conclusion', () => {
  const EDITABLE: ConsultationState[] = ['scheduled', 'live'];
  it.each(CONSULTATION_STATES.flatMap((s) => [[s, false] as const, [s, true] as const]))(
    '%s, signed=%s',
    (state, signed) => {
      const expected = !signed && EDITABLE.includes(state);
      expect(canEditConclusion(state, signed)).toBe(expected);
      const why = conclusionEditRefusal(state, signed);
      if (expected) expect(why).toBeNull();
      else expect(why).toMatch(/.{10,}/);
    },
  );

  it('a signed conclusion is immutable whatever the state', () => {
    expect(conclusionEditRefusal('live', true)).toBe('The conclusion is signed and can no longer change');
  });

  it('the chair signs once, while live, and not an empty conclusion', () => {
    expect(conclusionSignRefusal('live', { signed: false, text: '建议手术治疗' })).toBeNull();
    expect(conclusionSignRefusal('live', { signed: false, text: '  \n' })).toMatch(/empty/);
    expect(conclusionSignRefusal('live', { signed: true, text: 'x' })).toMatch(/already signed/);
    expect(conclusionSignRefusal('scheduled', { signed: false, text: 'x' })).toMatch(/start it first/);
    expect(conclusionSignRefusal('concluded', { signed: false, text: 'x' })).toMatch(/has ended/);
    expect(conclusionSignRefusal('cancelled', { signed: false, text: 'x' })).toMatch(/cancelled/);
    expect(conclusionSignRefusal('requested', { signed: false, text: 'x' })).toMatch(
      /once the consultation is scheduled/,
    );
  });
});
