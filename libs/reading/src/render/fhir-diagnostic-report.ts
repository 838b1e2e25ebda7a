import { createHash } from 'node:crypto';
import type { Discipline } from '@hub/core';
import type { ReportView } from '../report-view.js';
import type {
  Attachment,
  CodeableConcept,
  DiagnosticReport,
  DiagnosticReportStatus,
  Identifier,
  Reference,
} from './fhir-types.js';
import { REPORT_TITLES, centreDisplay, examName, reportPlainText } from './report-labels.js';

export const FHIR_SYSTEMS = {
  reportId: 'urn:consortium-hub:report-id',
  contentHash: 'urn:consortium-hub:report-content-sha256',
  addendumHash: 'urn:consortium-hub:addendum-content-sha256',
  examCode: 'urn:consortium-hub:exam-code',
  readingRequest: 'urn:consortium-hub:reading-request',
  readingCentre: 'urn:consortium-hub:reading-centre',
  user: 'urn:consortium-hub:user',
  dicomUid: 'urn:dicom:uid',
  v2_0074: 'http://terminology.hl7.org/CodeSystem/v2-0074',
  loinc: 'http://loinc.org',
} as const;

const SERVICE_SECTION: Record<Discipline, { code: string; display: string }> = {
  imaging: { code: 'RAD', display: 'Radiology' },
  ecg: { code: 'EC', display: 'Electrocardiac (e.g., EKG,  EEC, Holter)' },
  lab: { code: 'LAB', display: 'Laboratory' },
  // PAT rather than SP: consortium consultations also cover cytology and non-surgical specimens.
  pathology: { code: 'PAT', display: 'Pathology (gross & histopath, not surgical)' },
};

// The LOINC report categories US Core and most consumers filter on; LOINC has none for the laboratory as a whole.
const LOINC_CATEGORY: Partial<Record<Discipline, { code: string; display: string }>> = {
  imaging: { code: 'LP29684-5', display: 'Radiology' },
  ecg: { code: 'LP29708-2', display: 'Cardiology' },
  pathology: { code: 'LP7839-6', display: 'Pathology' },
};

/** Report status to DiagnosticReport.status: nothing is final until signed; addenda make it amended. */
export function fhirStatus(report: Pick<ReportView, 'status' | 'addenda'>): DiagnosticReportStatus {
  if (report.status !== 'signed') return 'preliminary';
  return report.addenda.length > 0 ? 'amended' : 'final';
}

function categories(discipline: Discipline): CodeableConcept[] {
  const section = SERVICE_SECTION[discipline];
  const result: CodeableConcept[] = [{ coding: [{ system: FHIR_SYSTEMS.v2_0074, ...section }] }];
  const loinc = LOINC_CATEGORY[discipline];
  if (loinc) result.push({ coding: [{ system: FHIR_SYSTEMS.loinc, ...loinc }] });
  return result;
}

function examCode(report: ReportView): CodeableConcept {
  const text = examName(report);
  if (!report.examCode) return { text };
  return { coding: [{ system: FHIR_SYSTEMS.examCode, code: report.examCode }], text };
}

function identifiers(report: ReportView): Identifier[] {
  const result: Identifier[] = [{ use: 'official', system: FHIR_SYSTEMS.reportId, value: report.id }];
  if (report.contentHash) result.push({ system: FHIR_SYSTEMS.contentHash, value: report.contentHash });
  for (const addendum of report.addenda) {
    result.push({ system: FHIR_SYSTEMS.addendumHash, value: addendum.contentHash });
  }
  return result;
}

const byIdentifier = (type: string, system: string, value: string, display?: string): Reference => ({
  type,
  identifier: { system, value },
  display,
});

function interpreters(report: ReportView): Reference[] {
  const people = [report.signedBy, report.author].filter((p) => p !== null);
  const unique = people.filter((p, i) => people.findIndex((q) => q.userId === p.userId) === i);
  return unique.map((p) => byIdentifier('Practitioner', FHIR_SYSTEMS.user, p.userId, p.displayName));
}

// DICOM's own FHIR convention for a Study Instance UID: system urn:dicom:uid, value urn:oid:<uid>.
function imagingStudy(study: ReportView['study']): Reference[] {
  if (!study.studyInstanceUid) return [];
  const uid = `urn:oid:${study.studyInstanceUid}`;
  return [byIdentifier('ImagingStudy', FHIR_SYSTEMS.dicomUid, uid, study.description ?? undefined)];
}

const toInstant = (iso: string | null): string | undefined => (iso ? new Date(iso).toISOString() : undefined);

/** When this version was made available: the latest addendum's signing, else the report's. */
function issued(report: ReportView): string | undefined {
  if (report.status !== 'signed') return undefined;
  const last = report.addenda.reduce<string | null>(
    (latest, a) => (latest === null || a.signedAt > latest ? a.signedAt : latest),
    null,
  );
  return toInstant(last ?? report.signedAt);
}

function presentedForm(report: ReportView, text: string): Attachment {
  const bytes = Buffer.from(text, 'utf8');
  return {
    contentType: 'text/plain; charset=utf-8',
    language: 'zh-CN',
    data: bytes.toString('base64'),
    size: bytes.length,
    hash: createHash('sha1').update(bytes).digest('base64'),
    title: REPORT_TITLES[report.discipline],
    creation: issued(report),
  };
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Drops what FHIR forbids as empty (ele-1): undefined, '', [] and {} anywhere in the tree. */
function prune<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map(prune).filter((v) => !isEmpty(v)) as T;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, prune(v)] as const);
    return Object.fromEntries(entries.filter(([, v]) => !isEmpty(v))) as T;
  }
  return value;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

function reference(baseUrl: string | undefined, type: string, id: string): string {
  const base = baseUrl ? `${baseUrl.replace(/\/+$/, '')}/` : '';
  return `${base}${type}/${id}`;
}

/**
 * The report as a FHIR R4 DiagnosticReport (JSON). References are relative (`Patient/<id>`) unless `baseUrl`,
 * the hub's FHIR base, is given. People, centres, requests and studies that the hub does not serve as FHIR resources
 * are logical references (type + identifier), which R4 allows without a resolvable URL.
 */
export function toFhirDiagnosticReport(report: ReportView, baseUrl?: string): DiagnosticReport {
  const text = reportPlainText(report);
  return prune<DiagnosticReport>({
    resourceType: 'DiagnosticReport',
    id: report.id,
    language: 'zh-CN',
    text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml"><pre>${escapeXml(text)}</pre></div>` },
    identifier: identifiers(report),
    basedOn: [byIdentifier('ServiceRequest', FHIR_SYSTEMS.readingRequest, report.requestId)],
    status: fhirStatus(report),
    category: categories(report.discipline),
    code: examCode(report),
    subject: {
      reference: reference(baseUrl, 'Patient', report.patient.id),
      type: 'Patient',
      display: report.patient.name ?? undefined,
    },
    effectiveDateTime: toInstant(report.study.performedAt),
    issued: issued(report),
    performer: [
      byIdentifier('Organization', FHIR_SYSTEMS.readingCentre, report.centre.id, centreDisplay(report.centre)),
    ],
    resultsInterpreter: interpreters(report),
    imagingStudy: imagingStudy(report.study),
    conclusion: report.impression,
    presentedForm: [presentedForm(report, text)],
  });
}
