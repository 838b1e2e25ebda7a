import { describe, expect, it } from '@jest/globals';
import type { Discipline, Role } from '@hub/core';
import type { Centre } from '@hub/consortium';
import { testActor } from '../../../../test/support/actors.js';
import { roomOf, roomsFor } from './event-rooms.js';

const actor = (roles: Role[], institutionId: string | null = 'lead', consortiumId: string | null = 'c1') =>
  testActor(roles, institutionId, consortiumId);
const centre = (id: string, discipline: Discipline, hostInstitutionId = 'lead', consortiumId = 'c1'): Centre => ({
  id,
  consortiumId,
  hostInstitutionId,
  name: id,
  discipline,
  sla: { stat: 30, urgent: 120, routine: 1440 },
  twoStepSignoff: true,
  servedInstitutionIds: [],
  createdAt: new Date(0),
});
const centres = [centre('ecg', 'ecg'), centre('lab', 'lab'), centre('far', 'ecg', 'other-host', 'c2')];

describe('rooms on /events', () => {
  it('names one room per audience', () => {
    expect(roomOf({ centreId: 'x' })).toBe('centre:x');
    expect(roomOf({ institutionId: 'x' })).toBe('institution:x');
    expect(roomOf({ consortiumId: 'x' })).toBe('consortium:x');
  });

  it('readers follow the centres of their institution they hold a privilege for', () => {
    const privileges = [{ discipline: 'ecg' as const, canSign: false }];
    expect(roomsFor(actor(['reader']), centres, privileges)).toEqual(['centre:ecg']);
    expect(roomsFor(actor(['senior_reader']), centres, [])).toEqual([]);
    expect(roomsFor(actor(['reader'], 'clinic'), centres, privileges)).toEqual([]);
  });

  it('clinic staff follow their institution; coordinators their consortium and its centres', () => {
    expect(roomsFor(actor(['clinic_doctor'], 'clinic'), centres, [])).toEqual(['institution:clinic']);
    expect(roomsFor(actor(['clinic_technician'], null), centres, [])).toEqual([]);
    expect(roomsFor(actor(['coordinator']), centres, [])).toEqual(['consortium:c1', 'centre:ecg', 'centre:lab']);
    expect(roomsFor(actor(['coordinator'], 'lead', null), centres, [])).toEqual([]);
  });

  it('specialists, auditors and administrators follow nothing here', () => {
    for (const role of ['specialist', 'auditor', 'admin'] as Role[])
      expect(roomsFor(actor([role]), centres, [])).toEqual([]);
  });
});
