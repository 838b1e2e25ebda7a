import { describe, expect, it } from '@jest/globals';
import type { TaskRecord } from '../task-store.js';
import { slaEvents } from './sla-events.js';

const task: TaskRecord = {
  id: 'task-1',
  requestId: 'request-1',
  centreId: 'centre-1',
  consortiumId: 'consortium-1',
  requestingInstitutionId: 'clinic-1',
  requestedByUserId: 'user-1',
  studyId: 'study-1',
  patientId: 'patient-1',
  discipline: 'ecg',
  priority: 'stat',
  referral: true,
  examCode: 'ECG-12',
  clinicalNotes: '胸闷两小时',
  requestedAt: new Date('2026-11-22T08:00:00Z'),
  queuedAt: new Date('2026-11-22T08:00:00Z'),
  dueAt: new Date('2026-11-22T08:30:00Z'),
  state: 'claimed',
  holderUserId: 'reader-1',
  leaseExpiresAt: new Date('2026-11-22T08:20:00Z'),
  fencingToken: '3',
  firstClaimedAt: new Date('2026-11-22T08:10:00Z'),
  submittedBy: null,
  submittedAt: null,
  signedBy: null,
  signedAt: null,
  returnReason: null,
  returnNote: null,
  returnedAt: null,
  resubmissions: 0,
  cancelReason: null,
  cancelledAt: null,
};

const COMMON_KEYS = ['at', 'centreId', 'dueAt', 'priority', 'referral', 'requestId', 'state', 'taskId'];

describe('SLA escalation events', () => {
  it('warns the coordinators of the request’s consortium, with the time the warning became due (80%)', () => {
    const [event] = slaEvents('warning', [task]);
    expect(event).toMatchObject({
      name: 'sla.warning',
      audience: { consortiumId: 'consortium-1' },
      payload: {
        taskId: 'task-1',
        requestId: 'request-1',
        centreId: 'centre-1',
        state: 'claimed',
        priority: 'stat',
        referral: true,
        dueAt: '2026-11-22T08:30:00.000Z',
        warnAt: '2026-11-22T08:24:00.000Z',
      },
    });
  });

  it('announces a breach to the same audience', () => {
    const events = slaEvents('breached', [task, { ...task, id: 'task-2', consortiumId: 'consortium-2' }]);
    expect(events.map((e) => [e.name, e.audience, e.payload.taskId])).toEqual([
      ['sla.breached', { consortiumId: 'consortium-1' }, 'task-1'],
      ['sla.breached', { consortiumId: 'consortium-2' }, 'task-2'],
    ]);
  });

  it('carries ids, states and times only: no patient, notes or people', () => {
    expect(Object.keys(slaEvents('breached', [task])[0]!.payload).sort()).toEqual(COMMON_KEYS);
    expect(Object.keys(slaEvents('warning', [task])[0]!.payload).sort()).toEqual([...COMMON_KEYS, 'warnAt'].sort());
  });
});
