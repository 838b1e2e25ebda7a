import type { Request } from 'express';
import { DomainError } from '@hub/core';
import { isValidUid } from '../dicom/instance-fields.js';

/** A UID from the URL path: digits and dots, at most 64 characters. */
export function assertUid(value: string, what: string): string {
  if (!isValidUid(value)) {
    throw new DomainError(
      'invalid',
      `${what} '${value.slice(0, 80)}' is not a DICOM UID (digits and dots, at most 64)`,
    );
  }
  return value;
}

/** The DICOMweb root as the client reached it, for RetrieveURL values. */
export const dicomwebBase = (req: Request): string => `${req.protocol}://${req.get('host')}/dicomweb`;

export const studyUrl = (base: string, study: string) => `${base}/studies/${study}`;
export const seriesUrl = (base: string, study: string, series: string) => `${studyUrl(base, study)}/series/${series}`;
export const instanceUrl = (base: string, study: string, series: string, sop: string) =>
  `${seriesUrl(base, study, series)}/instances/${sop}`;
