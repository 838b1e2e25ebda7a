import { describe, expect, it } from '@jest/globals';
import { type Actor, DomainError, type Role } from '@hub/core';
import {
  assertPrivilegesFit,
  assertRecordScope,
  DEFAULT_SLA,
  membershipProblems,
  privilegeProblems,
  readScope,
  resolveSla,
  targetConsortium,
} from './registry-rules.js';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

const actor = (roles: Role[], consortiumId: string | null): Actor => ({
  userId: 'u',
  username: 'u',
  roles,
  institutionId: consortiumId ? 'i' : null,
  consortiumId,
  sessionId: 's',
  mfa: false,
});
const platformAdmin = actor(['admin'], null);
const adminOfA = actor(['admin'], A);

const kindOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof DomainError ? err.kind : 'not a DomainError';
  }
};

describe('resolveSla', () => {
  it('uses STAT 30 min, urgent 2 h, routine 24 h when the centre gives none', () => {
    expect(resolveSla(undefined)).toEqual({ stat: 30, urgent: 120, routine: 1440 });
  });

  it('keeps the targets given', () => {
    expect(resolveSla({ stat: 15, urgent: 60, routine: 720 })).toEqual({ stat: 15, urgent: 60, routine: 720 });
  });

  it('hands out a copy, so nobody can change the defaults', () => {
    const sla = resolveSla(undefined);
    sla.stat = 1;
    expect(DEFAULT_SLA.stat).toBe(30);
  });
});

describe('targetConsortium', () => {
  it("defaults to the caller's own consortium", () => {
    expect(targetConsortium(adminOfA, undefined)).toBe(A);
  });

  it('refuses another consortium', () => {
    expect(kindOf(() => targetConsortium(adminOfA, B))).toBe('forbidden');
  });

  it('lets the platform administrator name any consortium, but makes him name one', () => {
    expect(targetConsortium(platformAdmin, B)).toBe(B);
    expect(kindOf(() => targetConsortium(platformAdmin, undefined))).toBe('invalid');
  });
});

describe('readScope', () => {
  it('gives the platform administrator everything, or the consortium asked for', () => {
    expect(readScope(platformAdmin, undefined)).toBeNull();
    expect(readScope(platformAdmin, B)).toBe(B);
  });

  it('keeps everyone else inside their consortium', () => {
    expect(readScope(actor(['clinic_doctor'], A), undefined)).toBe(A);
    expect(readScope(adminOfA, A)).toBe(A);
    expect(kindOf(() => readScope(adminOfA, B))).toBe('forbidden');
  });
});

describe('assertRecordScope', () => {
  it("hides the platform administrator's own account and other consortia from a consortium admin", () => {
    expect(kindOf(() => assertRecordScope(adminOfA, null))).toBe('forbidden');
    expect(kindOf(() => assertRecordScope(adminOfA, B))).toBe('forbidden');
    expect(kindOf(() => assertRecordScope(adminOfA, A))).toBeUndefined();
    expect(kindOf(() => assertRecordScope(platformAdmin, null))).toBeUndefined();
  });
});

describe('privilegeProblems', () => {
  it('accepts a reader who reads and a senior reader who signs', () => {
    expect(privilegeProblems(['reader'], [{ discipline: 'ecg', canSign: false }])).toEqual([]);
    expect(privilegeProblems(['senior_reader'], [{ discipline: 'imaging', canSign: true }])).toEqual([]);
    expect(privilegeProblems(['clinic_doctor'], [])).toEqual([]);
  });

  it('refuses privileges for someone who does not read', () => {
    expect(privilegeProblems(['specialist'], [{ discipline: 'lab', canSign: false }])).toEqual([
      'reading privileges need the role reader or senior_reader',
    ]);
  });

  it('refuses signing to a junior reader', () => {
    expect(privilegeProblems(['reader'], [{ discipline: 'pathology', canSign: true }])).toEqual([
      'signing (canSign for pathology) needs the role senior_reader',
    ]);
  });

  it('refuses a discipline named twice and reports every problem at once', () => {
    const problems = privilegeProblems(
      ['coordinator'],
      [
        { discipline: 'ecg', canSign: true },
        { discipline: 'ecg', canSign: false },
      ],
    );
    expect(problems).toHaveLength(3);
    expect(problems[0]).toContain('ecg more than once');
  });

  it('throws an unprocessable DomainError naming the field', () => {
    try {
      assertPrivilegesFit(['reader'], [{ discipline: 'ecg', canSign: true }]);
      throw new Error('expected a DomainError');
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).kind).toBe('unprocessable');
      expect((err as DomainError).details).toMatchObject({ field: 'privileges' });
    }
  });
});

describe('membershipProblems', () => {
  const host = { id: 'h', consortiumId: A };
  const foreign = { id: 'f', consortiumId: B };

  it('accepts institutions of the consortium, named once or twice', () => {
    expect(membershipProblems(A, ['h', 'h'], [host])).toEqual([]);
  });

  it('names the unknown and the foreign institutions', () => {
    expect(membershipProblems(A, ['h', 'x', 'f'], [host, foreign])).toEqual([
      'institution x does not exist',
      `institution f is not a member of consortium ${A}`,
    ]);
  });
});
