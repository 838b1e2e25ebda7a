import type { Priority } from '@hub/core';

export interface AutoRequestSetting {
  priority: Priority;
  referral: boolean;
  /** The clinic user who turned it on: requests are made in their name. */
  requestedByUserId: string;
  setAt: string;
}

export interface ModalityView {
  id: string;
  institutionId: string;
  aeTitle: string;
  addresses: string[];
  description: string | null;
  autoRequest: AutoRequestSetting | null;
  createdAt: string;
}

export interface NewModality {
  institutionId: string;
  aeTitle: string;
  addresses?: string[];
  description?: string;
}

/** What the DICOM listener needs to know of a calling modality. */
export interface CallingModality {
  id: string;
  aeTitle: string;
  institutionId: string;
  consortiumId: string;
  addresses: string[];
  autoRequest: AutoRequestSetting | null;
}
