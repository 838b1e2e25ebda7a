import { describe, expect, it } from '@jest/globals';
import { leaseRefusal } from './lease.js';
import { addendumHash, reportContentHash } from './report-hash.js';
import { signOffRefusal } from './sign-off.js';
import { dueAt, PRIORITY_RANK, slaStatus, warnAt } from './sla.js';
import { structuredProblems, type TemplateField } from './structured-fields.js';

const at = (iso: string) => new Date(iso);

describe('SLA maths', () => {
  const queued = at('2026-11-22T08:00:00Z');
  it('due time is queue time plus the SLA minutes; the warning comes at 80% of it', () => {
    const due = dueAt(queued, 30);
    expect(due.toISOString()).toBe('2026-11-22T08:30:00.000Z');
    expect(warnAt(queued, due).toISOString()).toBe('2026-11-22T08:24:00.000Z');
  });
  it('on time before 80%, warning from 80% to due, breached after due', () => {
    const due = dueAt(queued, 1440);
    expect(slaStatus(at('2026-11-22T10:00:00Z'), queued, due)).toBe('on_time');
    expect(slaStatus(at('2026-11-23T03:11:59Z'), queued, due)).toBe('on_time');
    expect(slaStatus(at('2026-11-23T03:12:00Z'), queued, due)).toBe('warning');
    expect(slaStatus(at('2026-11-23T08:00:00Z'), queued, due)).toBe('warning');
    expect(slaStatus(at('2026-11-23T08:00:00.001Z'), queued, due)).toBe('breached');
  });
  it('ranks STAT before urgent before routine', () => {
    expect(PRIORITY_RANK.stat).toBeLessThan(PRIORITY_RANK.urgent);
    expect(PRIORITY_RANK.urgent).toBeLessThan(PRIORITY_RANK.routine);
  });
});

describe('fencing', () => {
  const now = at('2026-11-22T08:00:00Z');
  const held = {
    state: 'drafted' as const,
    holderUserId: 'u1',
    leaseExpiresAt: at('2026-11-22T08:05:00Z'),
    fencingToken: '7',
  };
  it('the current holder with the current token may write', () => {
    expect(leaseRefusal(held, 'u1', '7', now)).toBeNull();
  });
  it('a stale token is refused, naming both tokens', () => {
    expect(leaseRefusal(held, 'u1', '6', now)).toMatch(/fencing token 7, yours 6/);
  });
  it('the right token from someone else is refused', () => {
    expect(leaseRefusal(held, 'u2', '7', now)).toMatch(/no longer current/);
  });
  it('an expired lease is refused even when no one claimed since', () => {
    expect(leaseRefusal(held, 'u1', '7', at('2026-11-22T08:05:00Z'))).toMatch(/lease ran out/);
  });
  it('a task no one holds takes no writes', () => {
    expect(
      leaseRefusal({ ...held, state: 'queued', holderUserId: null, leaseExpiresAt: null }, 'u1', '7', now),
    ).toMatch(/claim it before writing/);
  });
});

describe('sign-off', () => {
  const base = { twoStepSignoff: true, maySignDiscipline: true, signerUserId: 's1', submittedBy: 'r1' };
  it('needs the signing privilege', () => {
    expect(signOffRefusal({ ...base, state: 'reviewing', maySignDiscipline: false })).toMatch(/signing rights/);
  });
  it('two-step: a draft is submitted, not signed; the submitter never signs; another senior does', () => {
    expect(signOffRefusal({ ...base, state: 'drafted' })).toMatch(/two steps/);
    expect(signOffRefusal({ ...base, state: 'reviewing', submittedBy: 's1' })).toMatch(/cannot also sign/);
    expect(signOffRefusal({ ...base, state: 'reviewing' })).toBeNull();
  });
  it('one-step: a privileged senior signs a draft directly', () => {
    expect(signOffRefusal({ ...base, twoStepSignoff: false, state: 'drafted' })).toBeNull();
  });
});

describe('content hashes', () => {
  const content = {
    reportId: 'r',
    studyId: 's',
    patientId: 'p',
    findings: '窦性心律',
    impression: '正常',
    structured: { b: 1, a: 'x' },
    signedBy: 'u',
    signedAt: at('2026-11-22T08:00:00Z'),
  };
  it('is stable under key order and changes with any covered field', () => {
    const h = reportContentHash(content);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(reportContentHash({ ...content, structured: { a: 'x', b: 1 } })).toBe(h);
    for (const patch of [
      { findings: '窦性心律 ' },
      { impression: '异常' },
      { signedBy: 'v' },
      { structured: { a: 'x', b: 2 } },
    ]) {
      expect(reportContentHash({ ...content, ...patch })).not.toBe(h);
    }
  });
  it('chains addenda to what came before', () => {
    const a = {
      reportId: 'r',
      seq: 1,
      text: '补充',
      signedBy: 'u',
      signedAt: at('2026-11-22T09:00:00Z'),
      previousHash: 'h0',
    };
    expect(addendumHash(a)).not.toBe(addendumHash({ ...a, previousHash: 'h1' }));
  });
});

describe('structured fields', () => {
  const fields: TemplateField[] = [
    { key: 'rate', label: '心率', type: 'number', min: 10, max: 400, required: true },
    { key: 'rhythm', label: '节律', type: 'choice', options: ['sinus', 'af'], required: true },
    { key: 'st', label: 'ST 段', type: 'boolean' },
    { key: 'note', label: '备注', type: 'text', maxLength: 5 },
  ];
  it('checks types and ranges on drafts, but not completeness', () => {
    expect(structuredProblems({ rate: 72 }, fields, false)).toEqual([]);
    expect(structuredProblems({ rate: '72', rhythm: 'svt', st: 'no', note: '太长的备注内容' }, fields, false)).toEqual([
      'rate (心率) must be a number',
      'rhythm (节律) must be one of: sinus, af',
      'st (ST 段) must be true or false',
      'note (备注) is longer than 5 characters',
    ]);
    expect(structuredProblems({ rate: 5 }, fields, false)).toEqual(['rate (心率) must be at least 10']);
  });
  it('requires every required field when complete', () => {
    expect(structuredProblems({ rate: 72 }, fields, true)).toEqual([
      'rhythm (节律) is required before the report is submitted or signed',
    ]);
  });
  it('refuses keys the template does not have, or any key when the exam has no template', () => {
    expect(structuredProblems({ qt: 400 }, fields, false)).toEqual([
      "qt is not a field of this exam's report template",
    ]);
    expect(structuredProblems({ qt: 400 }, null, false)).toEqual(['qt: this exam has no report template']);
    expect(structuredProblems({}, null, true)).toEqual([]);
  });
});
