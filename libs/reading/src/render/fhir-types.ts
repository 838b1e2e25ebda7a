// The small part of FHIR R4 (4.0.1) that the report rendering uses; field names and cardinalities as in the spec.

export interface Coding {
  system?: string;
  code?: string;
  display?: string;
}

export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}

export interface Identifier {
  use?: 'usual' | 'official' | 'temp' | 'secondary' | 'old';
  system?: string;
  value?: string;
}

export interface Reference {
  reference?: string;
  type?: string;
  identifier?: Identifier;
  display?: string;
}

export interface Attachment {
  contentType?: string;
  language?: string;
  data?: string;
  size?: number;
  /** base64 SHA-1 of the data (R4 says SHA-1). */
  hash?: string;
  title?: string;
  creation?: string;
}

export interface Narrative {
  status: 'generated' | 'extensions' | 'additional' | 'empty';
  div: string;
}

export type DiagnosticReportStatus =
  | 'registered'
  | 'partial'
  | 'preliminary'
  | 'final'
  | 'amended'
  | 'corrected'
  | 'appended'
  | 'cancelled'
  | 'entered-in-error'
  | 'unknown';

export interface DiagnosticReport {
  resourceType: 'DiagnosticReport';
  id: string;
  language?: string;
  text?: Narrative;
  identifier?: Identifier[];
  basedOn?: Reference[];
  status: DiagnosticReportStatus;
  category?: CodeableConcept[];
  code: CodeableConcept;
  subject?: Reference;
  effectiveDateTime?: string;
  issued?: string;
  performer?: Reference[];
  resultsInterpreter?: Reference[];
  imagingStudy?: Reference[];
  conclusion?: string;
  presentedForm?: Attachment[];
}
