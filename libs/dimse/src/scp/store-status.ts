import type { InstanceResult } from '@hub/studies';

/** Error Comment (0000,0902) is LO: at most 64 characters. */
const ERROR_COMMENT_MAX = 64;

export interface StoreStatus {
  status: number;
  errorComment?: string;
}

/**
 * The C-STORE response status for what ingest made of an instance. STOW-RS failure reasons are PS3.4 C-STORE status
 * codes already (0xA700 out of resources, 0xA900 data set does not match SOP class, 0xC000 cannot understand, 0x0111
 * duplicate SOP instance …), so they pass through unchanged, with the reason's first words as the error comment.
 */
export function storeStatus(result: InstanceResult): StoreStatus {
  if (result.ok) return { status: 0x0000 };
  const comment = result.message.replace(/[\\\r\n]/g, ' ');
  return {
    status: result.reason,
    errorComment: comment.length > ERROR_COMMENT_MAX ? `${comment.slice(0, ERROR_COMMENT_MAX - 1)}…` : comment,
  };
}
