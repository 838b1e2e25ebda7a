import { describe, expect, it } from '@jest/globals';
import type { Discipline, Role } from '@hub/core';
import { testActor } from '../../../test/support/actors.js';
import { scopeCondition } from './access/study-where.js';
import { type CentreFacts, mayStoreStudies, readableCentreIds, studyScopeFor } from './study-access.policy.js';

const actor = (roles: Role[], institutionId: string | null = 'clinic-1', consortiumId: string | null = 'c-1') =>
  testActor(roles, institutionId, consortiumId);

const centre = (id: string, discipline: Discipline, hostInstitutionId = 'lead', consortiumId = 'c-1'): CentreFacts => ({
  id,
  discipline,
  hostInstitutionId,
  consortiumId,
});
const CENTRES = [centre('img', 'imaging'), centre('ecg', 'ecg'), centre('lab', 'lab'), centre('path', 'pathology')];
const privileges = (...disciplines: Discipline[]) => disciplines.map((discipline) => ({ discipline }));

describe('study access policy', () => {
  it('scopes clinic staff to their institution', () => {
    expect(studyScopeFor(actor(['clinic_doctor']))).toEqual({ kind: 'institution', institutionId: 'clinic-1' });
    expect(studyScopeFor(actor(['clinic_technician']))).toEqual({ kind: 'institution', institutionId: 'clinic-1' });
  });

  it('scopes coordinators to their consortium', () => {
    expect(studyScopeFor(actor(['coordinator'], 'lead'))).toEqual({ kind: 'consortium', consortiumId: 'c-1' });
  });

  it('gives other roles, and readers who staff no centre, no direct access to studies', () => {
    for (const role of ['reader', 'senior_reader', 'admin', 'auditor'] as Role[]) {
      expect(studyScopeFor(actor([role]))).toBeNull();
    }
    // A specialist sees what was shared with them personally (a consultation's materials), nothing else.
    expect(studyScopeFor(actor(['specialist']))).toEqual({ kind: 'user', userId: actor(['specialist']).userId });
    expect(studyScopeFor(actor(['clinic_doctor'], null, null))).toBeNull();
    // Centre ids only count for readers.
    expect(studyScopeFor(actor(['specialist'], 'lead'), ['ecg'])).toEqual({ kind: 'user', userId: 'u' });
    expect(studyScopeFor(actor(['auditor'], 'lead'), ['ecg'])).toBeNull();
  });

  it('scopes readers and senior readers to the studies granted to the centres they read for', () => {
    for (const role of ['reader', 'senior_reader'] as Role[]) {
      expect(studyScopeFor(actor([role], 'lead'), ['img', 'ecg', 'ecg'])).toEqual({
        kind: 'centres',
        consortiumId: 'c-1',
        centreIds: ['ecg', 'img'],
      });
    }
  });

  it('a reader reads for the centres their institution hosts, in the disciplines they hold a privilege for', () => {
    const reader = actor(['reader'], 'lead');
    expect(readableCentreIds(reader, CENTRES, privileges('ecg'))).toEqual(['ecg']);
    expect(readableCentreIds(actor(['senior_reader'], 'lead'), CENTRES, privileges('imaging', 'pathology'))).toEqual([
      'img',
      'path',
    ]);
    expect(readableCentreIds(reader, CENTRES, [])).toEqual([]);
  });

  it('a reader of another institution, another consortium or another role reads for no centre', () => {
    const all = privileges('imaging', 'ecg', 'lab', 'pathology');
    // Works at a clinic, not at the centres' host.
    expect(readableCentreIds(actor(['reader'], 'clinic-1'), CENTRES, all)).toEqual([]);
    // The host institution's id with another consortium (a centre record of another consortium is not theirs).
    expect(readableCentreIds(actor(['reader'], 'lead', 'c-2'), CENTRES, all)).toEqual([]);
    expect(readableCentreIds(actor(['reader'], null, 'c-1'), CENTRES, all)).toEqual([]);
    for (const role of ['coordinator', 'specialist', 'clinic_doctor', 'admin'] as Role[]) {
      expect(readableCentreIds(actor([role], 'lead'), CENTRES, all)).toEqual([]);
    }
  });

  it('gives a caller with several roles the union of their scopes', () => {
    expect(studyScopeFor(actor(['clinic_doctor', 'reader'], 'lead'), ['ecg'])).toEqual({
      kind: 'any',
      scopes: [
        { kind: 'institution', institutionId: 'lead' },
        { kind: 'centres', consortiumId: 'c-1', centreIds: ['ecg'] },
      ],
    });
    // The consortium holds the rest.
    expect(studyScopeFor(actor(['coordinator', 'reader', 'clinic_doctor'], 'lead'), ['ecg'])).toEqual({
      kind: 'consortium',
      consortiumId: 'c-1',
    });
    expect(studyScopeFor(actor(['clinic_doctor', 'reader'], 'lead'), [])).toEqual({
      kind: 'institution',
      institutionId: 'lead',
    });
  });

  it('turns a scope into SQL over active grants of the centres, inside the consortium', () => {
    const centres = scopeCondition({ kind: 'centres', consortiumId: 'c-1', centreIds: ['ecg'] });
    expect(centres.values).toEqual(['c-1', ['ecg']]);
    expect(centres.sql).toMatch(/s\.consortium_id = \$\?/);
    expect(centres.sql).toMatch(/g\.grantee_type = 'centre' AND g\.grantee_id = ANY\(\$\?::uuid\[\]\)/);
    expect(centres.sql).toMatch(/g\.revoked_at IS NULL AND \(g\.expires_at IS NULL OR g\.expires_at > now\(\)\)/);
    const any = scopeCondition({
      kind: 'any',
      scopes: [
        { kind: 'institution', institutionId: 'lead' },
        { kind: 'centres', consortiumId: 'c-1', centreIds: ['ecg'] },
      ],
    });
    expect(any.sql.startsWith('((s.institution_id = $? OR s.id IN (SELECT g.study_id')).toBe(true);
    expect(any.values).toEqual(['lead', 'lead', 'c-1', ['ecg']]);
    const institution = scopeCondition({ kind: 'institution', institutionId: 'clinic' });
    expect(institution.sql).toMatch(/g\.grantee_type = 'institution' AND g\.grantee_id = \$\?/);
    expect(institution.sql).toMatch(/g\.revoked_at IS NULL/);
  });

  it('lets only clinic staff of an institution store studies; never readers', () => {
    expect(mayStoreStudies(actor(['clinic_technician']))).toBe(true);
    expect(mayStoreStudies(actor(['coordinator']))).toBe(false);
    expect(mayStoreStudies(actor(['reader'], 'lead'))).toBe(false);
    expect(mayStoreStudies(actor(['senior_reader'], 'lead'))).toBe(false);
    expect(mayStoreStudies(actor(['clinic_doctor'], null, null))).toBe(false);
  });
});
