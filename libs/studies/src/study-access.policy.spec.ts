import { describe, expect, it } from '@jest/globals';
import type { Role } from '@hub/core';
import { testActor } from '../../../test/support/actors.js';
import { mayStoreStudies, studyScopeFor } from './study-access.policy.js';

const actor = (roles: Role[], institutionId: string | null = 'clinic-1', consortiumId: string | null = 'c-1') =>
  testActor(roles, institutionId, consortiumId);

describe('study access policy', () => {
  it('scopes clinic staff to their institution', () => {
    expect(studyScopeFor(actor(['clinic_doctor']))).toEqual({ kind: 'institution', institutionId: 'clinic-1' });
    expect(studyScopeFor(actor(['clinic_technician']))).toEqual({ kind: 'institution', institutionId: 'clinic-1' });
  });

  it('scopes coordinators to their consortium', () => {
    expect(studyScopeFor(actor(['coordinator'], 'lead'))).toEqual({ kind: 'consortium', consortiumId: 'c-1' });
  });

  it('gives other roles no direct access to studies', () => {
    for (const role of ['reader', 'senior_reader', 'specialist', 'admin', 'auditor'] as Role[]) {
      expect(studyScopeFor(actor([role]))).toBeNull();
    }
    expect(studyScopeFor(actor(['clinic_doctor'], null, null))).toBeNull();
  });

  it('lets only clinic staff of an institution store studies', () => {
    expect(mayStoreStudies(actor(['clinic_technician']))).toBe(true);
    expect(mayStoreStudies(actor(['coordinator']))).toBe(false);
    expect(mayStoreStudies(actor(['clinic_doctor'], null, null))).toBe(false);
  });
});
