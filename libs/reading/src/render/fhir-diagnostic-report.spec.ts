import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { Discipline } from '@hub/core';
import { FHIR_SYSTEMS, fhirStatus, toFhirDiagnosticReport } from './fhir-diagnostic-report.js';
import type { DiagnosticReport } from './fhir-types.js';
import { sampleAddendum, sampleReport } from './sample-report.fixture.js';

// FHIR R4 primitive formats (datatypes.html) and the DiagnosticReport.status value set.
const R4 = {
  id: /^[A-Za-z0-9\-.]{1,64}$/,
  instant: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  dateTime: /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/,
  base64: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  uri: /^(urn:[a-z0-9][a-z0-9-]{0,31}:\S+|https?:\/\/\S+)$/i,
  code: /^[^\s]+( [^\s]+)*$/,
  literalReference:
    /^((https?:\/\/\S+\/)?[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}(\/_history\/[A-Za-z0-9\-.]{1,64})?|#\S+)$/,
  status: ['registered', 'partial', 'preliminary', 'final', 'amended', 'corrected', 'appended', 'cancelled'],
};

/** ele-1: every element has a value or children, so no null, '', [] or {} anywhere. */
function emptyElements(value: unknown, path = '$'): string[] {
  if (value === null || value === undefined || value === '') return [path];
  if (Array.isArray(value)) {
    return value.length === 0 ? [path] : value.flatMap((v, i) => emptyElements(v, `${path}[${i}]`));
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0 ? [path] : entries.flatMap(([k, v]) => emptyElements(v, `${path}.${k}`));
  }
  return [];
}

/** The R4 rules checkable without a terminology server: required elements, formats, references. */
function r4Problems(r: DiagnosticReport): string[] {
  const problems = emptyElements(r);
  const check = (ok: boolean, what: string) => ok || problems.push(what);
  check(r.resourceType === 'DiagnosticReport', 'resourceType');
  check(R4.id.test(r.id), 'id');
  check(R4.status.includes(r.status), 'status (1..1, required binding)');
  check(Boolean(r.code?.text || r.code?.coding?.length), 'code (1..1)');
  if (r.issued) check(R4.instant.test(r.issued), 'issued is an instant');
  if (r.effectiveDateTime) check(R4.dateTime.test(r.effectiveDateTime), 'effectiveDateTime');
  const references = [r.subject, ...(r.basedOn ?? []), ...(r.performer ?? []), ...(r.resultsInterpreter ?? [])];
  for (const ref of [...references, ...(r.imagingStudy ?? [])]) {
    if (!ref) continue;
    // ref-1 and R4's Reference: a literal reference, a logical one (identifier), or at least a display.
    check(Boolean(ref.reference || ref.identifier || ref.display), 'reference has content');
    if (ref.reference) check(R4.literalReference.test(ref.reference), `reference format ${ref.reference}`);
    if (ref.identifier?.system) check(R4.uri.test(ref.identifier.system), `identifier system ${ref.identifier.system}`);
  }
  const codings = [...(r.category ?? []), r.code].flatMap((c) => c.coding ?? []);
  for (const coding of codings) {
    check(Boolean(coding.system && R4.uri.test(coding.system)), `coding system ${coding.system}`);
    check(Boolean(coding.code && R4.code.test(coding.code)), `coding code ${coding.code}`);
  }
  for (const form of r.presentedForm ?? []) {
    check(Boolean(form.data && R4.base64.test(form.data)), 'presentedForm.data is base64');
    check(Boolean(form.contentType && R4.code.test(form.contentType)), 'presentedForm.contentType');
  }
  check(r.text?.div.startsWith('<div xmlns="http://www.w3.org/1999/xhtml">') ?? true, 'narrative div');
  return problems;
}

const decode = (r: DiagnosticReport, i = 0) => Buffer.from(r.presentedForm?.[i].data ?? '', 'base64').toString('utf8');

describe('toFhirDiagnosticReport', () => {
  it('renders a signed report as a valid R4 DiagnosticReport', () => {
    const fhir = toFhirDiagnosticReport(sampleReport());
    expect(r4Problems(fhir)).toEqual([]);
    expect(fhir).toMatchObject({
      resourceType: 'DiagnosticReport',
      id: '5b0d9a4e-2f4c-4d1b-9a57-3c1e7f8a9b10',
      status: 'final',
      code: { coding: [{ system: 'urn:consortium-hub:exam-code', code: 'CT-CHEST-PLAIN' }], text: '胸部CT平扫' },
      subject: { reference: 'Patient/p0000000-0000-4000-8000-000000000004', display: '王堃喆' },
      effectiveDateTime: '2026-03-01T01:35:00.000Z',
      issued: '2026-03-01T03:05:00.000Z',
      conclusion: sampleReport().impression,
    });
    expect(fhir.performer?.[0]).toMatchObject({ type: 'Organization', display: '青山市人民医院 远程影像诊断中心' });
    expect(fhir.resultsInterpreter?.map((p) => p.display)).toEqual(['张明华', '李珺']);
    expect(fhir.resultsInterpreter?.[0]).toMatchObject({
      type: 'Practitioner',
      identifier: { system: 'urn:consortium-hub:user' },
    });
  });

  it('maps report status: draft and submitted are preliminary, signed is final, signed with addenda amended', () => {
    const addenda = [sampleAddendum()];
    expect(fhirStatus({ status: 'draft', addenda: [] })).toBe('preliminary');
    expect(fhirStatus({ status: 'submitted', addenda: [] })).toBe('preliminary');
    expect(fhirStatus({ status: 'signed', addenda: [] })).toBe('final');
    expect(fhirStatus({ status: 'signed', addenda })).toBe('amended');
  });

  it.each<[Discipline, string, string | null]>([
    ['imaging', 'RAD', 'LP29684-5'],
    ['ecg', 'EC', 'LP29708-2'],
    ['lab', 'LAB', null],
    ['pathology', 'PAT', 'LP7839-6'],
  ])('categorises %s as v2-0074 %s (LOINC %s)', (discipline, v2, loinc) => {
    const fhir = toFhirDiagnosticReport(sampleReport({ discipline }));
    const codings = (fhir.category ?? []).flatMap((c) => c.coding ?? []);
    expect(codings.find((c) => c.system === 'http://terminology.hl7.org/CodeSystem/v2-0074')?.code).toBe(v2);
    expect(codings.find((c) => c.system === 'http://loinc.org')?.code ?? null).toBe(loinc);
    expect(r4Problems(fhir)).toEqual([]);
  });

  it('carries the content hash, and each addendum hash, as identifiers', () => {
    const report = sampleReport({ addenda: [sampleAddendum()] });
    const fhir = toFhirDiagnosticReport(report);
    expect(fhir.identifier).toEqual(
      expect.arrayContaining([
        { use: 'official', system: FHIR_SYSTEMS.reportId, value: report.id },
        { system: 'urn:consortium-hub:report-content-sha256', value: report.contentHash },
        { system: FHIR_SYSTEMS.addendumHash, value: report.addenda[0].contentHash },
      ]),
    );
  });

  it('carries findings and impression as UTF-8 text/plain base64 in zh-CN that decodes back to the Chinese', () => {
    const report = sampleReport();
    const fhir = toFhirDiagnosticReport(report);
    const form = fhir.presentedForm?.[0];
    expect(form).toMatchObject({ contentType: 'text/plain; charset=utf-8', language: 'zh-CN' });
    const text = decode(fhir);
    expect(text).toContain(report.findings);
    expect(text).toContain(report.impression);
    expect(text).toContain('患者：王堃喆');
    expect(form?.size).toBe(Buffer.byteLength(text, 'utf8'));
    expect(form?.hash).toBe(createHash('sha1').update(text, 'utf8').digest('base64'));
    // And through JSON, as it goes over the wire.
    const parsed = JSON.parse(JSON.stringify(fhir)) as DiagnosticReport;
    expect(parsed.conclusion).toBe(report.impression);
    expect(decode(parsed)).toBe(text);
  });

  it('appends addenda to the presented form in order, marks the report amended and issues it at the last addendum', () => {
    const second = sampleAddendum({
      id: 'd2',
      seq: 2,
      text: '再次补充：病理回报为腺癌。',
      signedAt: '2026-03-05T08:00:00.000Z',
    });
    const fhir = toFhirDiagnosticReport(sampleReport({ addenda: [sampleAddendum(), second] }));
    expect(fhir.status).toBe('amended');
    expect(fhir.issued).toBe('2026-03-05T08:00:00.000Z');
    const text = decode(fhir);
    expect(text.indexOf('更正补充（第1次）')).toBeGreaterThan(text.indexOf('诊断意见'));
    expect(text.indexOf('更正补充（第2次）')).toBeGreaterThan(text.indexOf('更正补充（第1次）'));
    expect(text).toContain('再次补充：病理回报为腺癌。');
    expect(r4Problems(fhir)).toEqual([]);
  });

  it('references the imaging study by its Study Instance UID as urn:oid, and omits it when there is none', () => {
    const fhir = toFhirDiagnosticReport(sampleReport());
    expect(fhir.imagingStudy).toEqual([
      {
        type: 'ImagingStudy',
        identifier: { system: 'urn:dicom:uid', value: 'urn:oid:1.2.826.0.1.3680043.8.498.12345678901234567890' },
        display: '胸部CT平扫',
      },
    ]);
    const base = sampleReport();
    const withoutUid = toFhirDiagnosticReport(sampleReport({ study: { ...base.study, studyInstanceUid: null } }));
    expect(withoutUid.imagingStudy).toBeUndefined();
  });

  it('renders an unsigned draft without the signed-only elements, still valid', () => {
    const draft = sampleReport({
      status: 'draft',
      signedBy: null,
      signedAt: null,
      contentHash: null,
      hashVerified: null,
      impression: '',
      examCode: null,
      patient: { ...sampleReport().patient, name: null },
    });
    const fhir = toFhirDiagnosticReport(draft);
    expect(r4Problems(fhir)).toEqual([]);
    expect(fhir.status).toBe('preliminary');
    expect(fhir.issued).toBeUndefined();
    expect(fhir.conclusion).toBeUndefined();
    expect(fhir.code).toEqual({ text: '胸部CT平扫' });
    expect(fhir.subject).toEqual({ reference: `Patient/${draft.patient.id}`, type: 'Patient' });
    expect(fhir.identifier?.map((i) => i.system)).toEqual([FHIR_SYSTEMS.reportId]);
    expect(fhir.resultsInterpreter?.map((p) => p.display)).toEqual(['李珺']);
  });

  it('makes the patient reference absolute under a base URL', () => {
    const fhir = toFhirDiagnosticReport(sampleReport(), 'https://hub.example.cn/fhir/');
    expect(fhir.subject?.reference).toBe('https://hub.example.cn/fhir/Patient/p0000000-0000-4000-8000-000000000004');
    expect(r4Problems(fhir)).toEqual([]);
  });

  it('escapes markup in the narrative', () => {
    const fhir = toFhirDiagnosticReport(sampleReport({ findings: '结节 <3 mm & 无钙化' }));
    expect(fhir.text?.div).toContain('结节 &lt;3 mm &amp; 无钙化');
  });
});
