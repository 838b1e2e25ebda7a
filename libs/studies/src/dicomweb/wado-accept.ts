import { DomainError } from '@hub/core';
import { parseContentType } from '../multipart/index.js';

/**
 * Whether an Accept header admits instances as the hub stored them (it does not transcode). Answers the transfer
 * syntax the client insisted on, if any, or throws 406 with what to ask for instead.
 */
export function acceptedTransferSyntax(accept: string | undefined): string | '*' {
  if (!accept) return '*';
  for (const range of accept.split(',')) {
    const { mediaType, params } = parseContentType(range.trim());
    if (mediaType === '*/*' || mediaType === 'multipart/*') return '*';
    if (mediaType === 'multipart/related') {
      const type = params.type?.toLowerCase();
      if (type === undefined || type === 'application/dicom' || type === 'application/*')
        return params['transfer-syntax'] ?? '*';
    }
  }
  throw new DomainError(
    'not_acceptable',
    'WADO-RS answers instances as multipart/related; type="application/dicom" (send that Accept header, or */*)',
  );
}

export function assertServable(requested: string | '*', stored: string[]): void {
  if (requested === '*') return;
  const other = stored.find((ts) => ts !== requested);
  if (other) {
    throw new DomainError(
      'not_acceptable',
      `Instances are served as stored (transfer syntax ${other}); ask with transfer-syntax=* in the Accept header`,
    );
  }
}
