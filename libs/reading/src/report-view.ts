export type { AddendumView, ReportMark, ReportStatus, ReportView, StructuredValue } from '@hub/contracts';
