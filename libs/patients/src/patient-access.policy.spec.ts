import { describe, expect, it } from '@jest/globals';
import type { Role } from '@hub/core';
import { testActor } from '../../../test/support/actors.js';
import { mayReadPatient, mayRegisterPatient } from './patient-access.policy.js';

const actor = (roles: Role[], institutionId: string | null = 'inst-a', consortiumId: string | null = 'cons-1') =>
  testActor(roles, institutionId, consortiumId);
const patient = { consortiumId: 'cons-1', identifiers: [{ institutionId: 'inst-a', localId: 'P1' }] };

describe('patient access policy', () => {
  it('lets clinic staff read patients their own institution registered', () => {
    expect(mayReadPatient(actor(['clinic_doctor']), patient)).toBe(true);
    expect(mayReadPatient(actor(['clinic_technician']), patient)).toBe(true);
  });

  it('refuses clinic staff of another institution, even in the same consortium', () => {
    expect(mayReadPatient(actor(['clinic_doctor'], 'inst-b'), patient)).toBe(false);
  });

  it('lets a coordinator read within the consortium only', () => {
    expect(mayReadPatient(actor(['coordinator'], 'lead'), patient)).toBe(true);
    expect(mayReadPatient(actor(['coordinator'], 'lead', 'cons-2'), patient)).toBe(false);
  });

  it('refuses roles with no patient relation yet (admin, auditor, reader without a task)', () => {
    for (const role of ['admin', 'auditor', 'reader', 'senior_reader', 'specialist'] as Role[]) {
      expect(mayReadPatient(actor([role]), patient)).toBe(false);
    }
  });

  it('lets only clinic staff with an institution register patients', () => {
    expect(mayRegisterPatient(actor(['clinic_technician']))).toBe(true);
    expect(mayRegisterPatient(actor(['reader']))).toBe(false);
    expect(mayRegisterPatient(actor(['clinic_doctor'], null, null))).toBe(false);
  });
});
